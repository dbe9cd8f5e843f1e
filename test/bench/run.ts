// `npm run bench [-- bulk-pull [--orders N] [--customers N] | analysis [--people N] [--orders N]]`:
// benchmarks, figures printed and written to test/bench/results/<name>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { benchAnalysis } from './analysis.ts';
import { benchBulkPull } from './bulk-pull.ts';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { orders: { type: 'string' }, customers: { type: 'string' }, people: { type: 'string' } },
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
const log = (line: string) => console.log(line);
let result: object;
if (name === 'bulk-pull') {
  const r = await benchBulkPull({ orders: count('orders', values.orders ?? '1000000'), customers: count('customers', values.customers ?? '100000'), log });
  console.log(`bulk pull: ${r.orders.toLocaleString('en')} orders in ${r.seconds} s (${r.ordersPerSecond.toLocaleString('en')}/s), peak resident memory ${r.peakRssMiB} MiB (target: under 1024 MiB)`);
  result = r;
} else if (name === 'analysis') {
  const r = benchAnalysis({ people: count('people', values.people ?? '100000'), orders: count('orders', values.orders ?? '400000'), log });
  console.log(`analysis: features, clusters and predictions for ${r.people.toLocaleString('en')} people (${r.orders.toLocaleString('en')} orders) in ${r.totalSeconds} s (target: at most 5 s); k = ${r.k ?? '-'}, propensity cross-validated AUC ${r.propensityAuc?.toFixed(3) ?? '-'}`);
  result = r;
} else {
  console.error(`unknown bench "${name}"; available: bulk-pull, analysis`);
  process.exit(2);
}
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}${name}.json`, `${JSON.stringify({ ...result, measuredAt: new Date().toISOString() }, null, 2)}\n`);
