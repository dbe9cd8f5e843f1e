// `npm run bench [-- bulk-pull] [--orders N] [--customers N]`: benchmarks, figures printed and
// written to test/bench/results/<name>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { benchBulkPull } from './bulk-pull.ts';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { orders: { type: 'string', default: '1000000' }, customers: { type: 'string', default: '100000' } },
  allowPositionals: true,
});
const name = positionals[0] ?? 'bulk-pull';
const count = (flag: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 20_000_000) {
    console.error(`--${flag} must be a whole number from 1 to 20,000,000 (got ${text})`);
    process.exit(2);
  }
  return n;
};
if (name !== 'bulk-pull') {
  console.error(`unknown bench "${name}"; available: bulk-pull`);
  process.exit(2);
}
const result = await benchBulkPull({ orders: count('orders', values.orders), customers: count('customers', values.customers), log: (l) => console.log(l) });
console.log(`bulk pull: ${result.orders.toLocaleString('en')} orders in ${result.seconds} s (${result.ordersPerSecond.toLocaleString('en')}/s), peak resident memory ${result.peakRssMiB} MiB (target: under 1024 MiB)`);
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}${name}.json`, `${JSON.stringify({ ...result, measuredAt: new Date().toISOString() }, null, 2)}\n`);
