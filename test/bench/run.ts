// `npm run bench [-- --size 10k|100k|1m]`: the whole pipeline end to end at that size (default
// 10k), figures printed and written to test/bench/results/<size>.json (test/bench/end-to-end.ts),
// then the real-time bench at its defaults (test/bench/results/realtime.json).
// `npm run bench -- analysis [--people N] [--orders N] | realtime [--rate R] [--seconds S]
// [--customers N] | bulk-pull [--orders N] [--customers N]`: one part alone, written to
// test/bench/results/<name>.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { benchAnalysis } from './analysis.ts';
import { benchBulkPull } from './bulk-pull.ts';
import { BENCH_SIZES, benchEndToEnd, type BenchSize, type EndToEndResult } from './end-to-end.ts';
import { benchRealtime } from './realtime.ts';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { size: { type: 'string' }, orders: { type: 'string' }, customers: { type: 'string' }, people: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' } },
  allowPositionals: true,
});
const count = (flag: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 20_000_000) {
    console.error(`--${flag} must be a whole number from 1 to 20,000,000 (got ${text})`);
    process.exit(2);
  }
  return n;
};
const log = (line: string) => console.log(line);
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const save = (bench: string, result: object) => writeFileSync(`${dir}${bench}.json`, `${JSON.stringify({ ...result, measuredAt: new Date().toISOString() }, null, 2)}\n`);

/**
 * Linear growth: this size's first sync against the saved result of the size ten times smaller
 * (the smallest size: ten times larger); the larger at most 12 times the smaller one's wall time.
 * Null when that result is not saved yet.
 */
function linearGrowth(size: BenchSize, r: EndToEndResult): EndToEndResult['targets'][number] | null {
  const sizes = Object.keys(BENCH_SIZES) as BenchSize[];
  const at = sizes.indexOf(size);
  // The smallest size compares with the next; every other with the one below it.
  const [small, large] = at === 0 ? [size, sizes[1]] : [sizes[at - 1], size];
  if (small === undefined || large === undefined) return null;
  const read = (s: BenchSize): { seconds: number; measuredAt: string } | null => {
    if (s === size) return { seconds: r.runs[0]?.seconds ?? NaN, measuredAt: 'this run' };
    if (!existsSync(`${dir}${s}.json`)) return null;
    const saved = JSON.parse(readFileSync(`${dir}${s}.json`, 'utf8')) as EndToEndResult & { measuredAt: string };
    return { seconds: saved.runs[0]?.seconds ?? NaN, measuredAt: saved.measuredAt };
  };
  const [a, b] = [read(small), read(large)];
  if (!a || !b) return null;
  const ratio = Math.round((b.seconds / a.seconds) * 10) / 10;
  return {
    target: `cost grows linearly: the ${large} first sync at most 12 times the ${small} one`,
    measured: `${b.seconds} s (${b.measuredAt}) / ${a.seconds} s (${a.measuredAt}) = ${ratio}x`,
    met: ratio <= 12,
  };
}

async function run(bench: string): Promise<void> {
  if (bench === 'end-to-end') {
    const size = values.size ?? '10k';
    if (!Object.hasOwn(BENCH_SIZES, size)) {
      console.error(`--size must be one of ${Object.keys(BENCH_SIZES).join(', ')} (got ${size})`);
      process.exit(2);
    }
    const r = await benchEndToEnd({ size: size as BenchSize, log });
    const growth = linearGrowth(size as BenchSize, r);
    if (growth) r.targets.push(growth);
    console.log(`\nend to end, ${r.customers.toLocaleString('en')} customers, ${r.orders.toLocaleString('en')} orders, ${r.contacts.toLocaleString('en')} contacts (HubSpot window ${r.hubspotRequestsPerTenSeconds} requests / 10 s):`);
    for (const t of r.targets) console.log(`  ${t.met ? 'met ' : 'MISSED'}  ${t.target}: ${t.measured}`);
    save(size, r);
  } else if (bench === 'bulk-pull') {
    const r = await benchBulkPull({ orders: count('orders', values.orders ?? '1000000'), customers: count('customers', values.customers ?? '100000'), log });
    console.log(`bulk pull: ${r.orders.toLocaleString('en')} orders in ${r.seconds} s (${r.ordersPerSecond.toLocaleString('en')}/s), peak resident memory ${r.peakRssMiB} MiB (target: under 1024 MiB)`);
    save(bench, r);
  } else if (bench === 'analysis') {
    const r = benchAnalysis({ people: count('people', values.people ?? '100000'), orders: count('orders', values.orders ?? '400000'), log });
    console.log(`analysis: features, clusters and predictions for ${r.people.toLocaleString('en')} people (${r.orders.toLocaleString('en')} orders) in ${r.totalSeconds} s (target: at most 5 s); k = ${r.k ?? '-'}, propensity cross-validated AUC ${r.propensityAuc?.toFixed(3) ?? '-'}`);
    save(bench, r);
  } else if (bench === 'realtime') {
    const r = await benchRealtime({ customers: count('customers', values.customers ?? '2000'), rate: count('rate', values.rate ?? '200'), seconds: count('seconds', values.seconds ?? '10'), log });
    console.log(`realtime: ${r.webhooks} order webhooks at ${r.ratePerSecond}/s for ${r.seconds} s with ${r.workers} workers: webhook-to-write latency p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms (${r.measured} measured), throughput ${r.throughputPerSecond}/s, queues drained ${r.drainSeconds} s after the last send`);
    save(bench, r);
  } else {
    console.error(`unknown bench "${bench}"; available: analysis, realtime, bulk-pull (none: end to end, --size 10k|100k|1m)`);
    process.exit(2);
  }
}

// The end-to-end run is followed by the real-time one (200 webhooks/s for 10 s, two workers), so
// that one command prints every figure of the store-scale targets.
for (const bench of positionals[0] === undefined ? ['end-to-end', 'realtime'] : [positionals[0]]) await run(bench);
