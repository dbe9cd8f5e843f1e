// Bench: the whole pipeline at store scale. A generated store and portal (store-generator.ts) are
// loaded into the Shopify and HubSpot emulators, in a child process so that their memory and work
// are not counted; then three syncs run here through the real SDKs, with no added latency:
//   1. the first sync (bulk pull, store, features, clusters, predictions, segments, diff, write-back
//      to both platforms);
//   2. a second sync with nothing changed (expected: zero platform writes);
//   3. a sync after 1 % of the customers changed (a new order each, half a consent change).
// Per stage of each run: wall time, peak resident memory of this process, platform calls by kind,
// Shopify cost points and HubSpot requests, and beside them what one call per customer would have
// spent. Stages are told apart by the sync's progress events (and the compute stage's own steps).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createStore } from '../../app/store/create-store.ts';
import { REFINE_STEP_MESSAGES } from '../../app/sync/compute-segments.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import type { SyncDeps, SyncReport } from '../../app/sync/sync-types.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';

export const BENCH_SIZES = {
  '10k': { customers: 10_000, orders: 100_000 },
  '100k': { customers: 100_000, orders: 1_000_000 },
  '1m': { customers: 1_000_000, orders: 10_000_000 },
} as const;

export type BenchSize = keyof typeof BENCH_SIZES;

/** The generator's end date (store-generator.ts): every run scores as of it. */
export const BENCH_AS_OF = '2026-11-01T00:00:00.000Z';

/** The portal's ten-second request window: HubSpot's highest documented private-app limit. */
export const BENCH_HUBSPOT_REQUESTS_PER_10S = 250;

export interface StageFigures {
  stage: string;
  seconds: number;
  peakRssMiB: number;
}

export interface RunFigures {
  name: string;
  status: string;
  seconds: number;
  peakRssMiB: number;
  stages: StageFigures[];
  read: SyncReport['read'];
  wrote: SyncReport['wrote'];
  calls: SyncReport['calls'];
  /** What one call per customer (or contact, or membership) would have spent for the same work. */
  perCustomer: { shopifyCalls: number; shopifyCostPoints: number; hubspotRequests: number };
}

export interface EndToEndResult {
  size: BenchSize;
  customers: number;
  orders: number;
  contacts: number;
  groups: Record<string, number>;
  hubspotRequestsPerTenSeconds: number;
  seedSeconds: number;
  runs: RunFigures[];
  targets: Array<{ target: string; measured: string; met: boolean }>;
}

const SHOP = 'bench-e2e.myshopify.com';
const SHOP_TOKEN = 'shpat_bench_e2e';
const PORTAL = 7_700_001;
const PORTAL_TOKEN = 'pat-bench-e2e';

const MiB = 2 ** 20;
const round1 = (n: number) => Math.round(n * 10) / 10;

const STEP_STAGES: Record<string, string> = {
  [REFINE_STEP_MESSAGES.clusters ?? '']: 'clusters',
  [REFINE_STEP_MESSAGES.predictions ?? '']: 'predictions',
  [REFINE_STEP_MESSAGES.clv ?? '']: 'CLV',
  [REFINE_STEP_MESSAGES.segments ?? '']: 'segments, diff, snapshots',
};

/** Which bench stage a sync progress event belongs to. */
function stageOf(progressStage: string, message: string): string | null {
  // Shopify's exports and HubSpot's contacts are read side by side: one stage.
  if (progressStage === 'pull' || progressStage.startsWith('shopify.customers') || progressStage.startsWith('shopify.orders') || progressStage.startsWith('hubspot.contacts')) {
    return 'pull Shopify (bulk) + HubSpot + store';
  }
  if (progressStage === 'segment') return STEP_STAGES[message] ?? 'read store, people, features';
  if (progressStage === 'push' && message.includes('HubSpot')) return 'write-back HubSpot';
  if (progressStage === 'push' || progressStage.startsWith('shopify.')) return 'write-back Shopify';
  if (progressStage.startsWith('hubspot.')) return 'write-back HubSpot';
  if (progressStage === 'flow') return 'flow triggers';
  return null;
}

/** Peak RSS per stage: sampled every 20 ms, and at each stage boundary. */
function stageClock() {
  const stages: StageFigures[] = [];
  let current: { stage: string; started: number; peak: number } | null = null;
  let runPeak = 0;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    runPeak = Math.max(runPeak, rss);
    if (current) current.peak = Math.max(current.peak, rss);
  };
  const timer = setInterval(sample, 20);
  const close = () => {
    if (!current) return;
    sample();
    const previous = stages.find((s) => s.stage === current?.stage);
    const seconds = (performance.now() - current.started) / 1000;
    if (previous) {
      previous.seconds = round1(previous.seconds + seconds);
      previous.peakRssMiB = Math.max(previous.peakRssMiB, Math.round(current.peak / MiB));
    } else stages.push({ stage: current.stage, seconds: round1(seconds), peakRssMiB: Math.round(current.peak / MiB) });
  };
  return {
    enter(stage: string) {
      if (current?.stage === stage) return;
      close();
      current = { stage, started: performance.now(), peak: process.memoryUsage.rss() };
    },
    finish(): { stages: StageFigures[]; peakRssMiB: number } {
      close();
      current = null;
      clearInterval(timer);
      return { stages, peakRssMiB: Math.round(runPeak / MiB) };
    },
  };
}

/**
 * One call per customer: reading each customer and their orders with a query each (cost about 2 and
 * 10 points: a customer, then up to 50 orders with line items), one tagsAdd/tagsRemove per changed
 * customer and direction (10 points each), one HubSpot request per contact read, contact upsert and
 * membership change.
 */
function perCustomerCost(report: SyncReport, changedCustomers: number): RunFigures['perCustomer'] {
  // A customer query and an orders query per customer.
  const reads = 2 * report.read.customers;
  const writes = changedCustomers;
  const hubspot = report.read.hubspot.contacts + report.wrote.hubspot.contactsUpserted + report.wrote.hubspot.membershipsAdded + report.wrote.hubspot.membershipsRemoved;
  return { shopifyCalls: reads + writes, shopifyCostPoints: report.read.customers * 12 + writes * 10, hubspotRequests: hubspot };
}

function reader(lines: Interface) {
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  return () => new Promise<string>((resolve) => waiting.push(resolve));
}

export async function benchEndToEnd(options: { size: BenchSize; log: (line: string) => void }): Promise<EndToEndResult> {
  const shape = BENCH_SIZES[options.size];
  const dir = mkdtempSync(join(tmpdir(), 'refinery-e2e-'));
  let child: ChildProcess | null = null;
  try {
    options.log(`seeding the emulators (child process): ${shape.customers.toLocaleString('en')} customers, ${shape.orders.toLocaleString('en')} orders…`);
    const seedStarted = performance.now();
    child = spawn(
      process.execPath,
      ['--max-old-space-size=16384', fileURLToPath(new URL('./platforms-process.ts', import.meta.url)), SHOP, SHOP_TOKEN, String(PORTAL), PORTAL_TOKEN, String(shape.customers), String(shape.orders), String(BENCH_HUBSPOT_REQUESTS_PER_10S)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const next = reader(createInterface({ input: child.stdout as NodeJS.ReadableStream }));
    const exited = new Promise<never>((_, reject) => child?.once('exit', (code) => reject(new Error(`the emulator process exited with ${code}`))));
    const ready = JSON.parse(await Promise.race([next(), exited])) as { shopify: string; hubspot: string; customers: number; orders: number; contacts: number; groups: Record<string, number> };
    const seedSeconds = round1((performance.now() - seedStarted) / 1000);
    options.log(`seeded in ${seedSeconds} s: ${ready.customers.toLocaleString('en')} customers, ${ready.orders.toLocaleString('en')} orders, ${ready.contacts.toLocaleString('en')} contacts`);
    const command = async (body: object) => {
      child?.stdin?.write(`${JSON.stringify(body)}\n`);
      const answer = JSON.parse(await Promise.race([next(), exited])) as { ok: boolean; error?: string } & Record<string, unknown>;
      if (!answer.ok) throw new Error(`emulator command failed: ${answer.error}`);
      return answer;
    };

    const store = await createStore({ sqlitePath: join(dir, 'bench.db') });
    await store.saveShopSettings(
      SHOP,
      {
        tagPrefix: DEFAULT_TAG_PREFIX,
        shopify: { accessToken: SHOP_TOKEN, adminOrigin: ready.shopify },
        hubspot: { accessToken: PORTAL_TOKEN, basePath: ready.hubspot, requestsPerTenSeconds: BENCH_HUBSPOT_REQUESTS_PER_10S, createContacts: false },
        holdout: { share: 0.1, salt: 'bench-holdout' },
      },
      new Date().toISOString(),
    );

    const runs: RunFigures[] = [];
    const run = async (name: string, full: boolean): Promise<RunFigures> => {
      const clock = stageClock();
      const deps: SyncDeps = {
        now: () => new Date(),
        sleep: realSleep,
        random: Math.random,
        log: () => {},
        progress: (stage, message) => {
          const s = stageOf(stage, message);
          if (s) clock.enter(s);
        },
      };
      const started = performance.now();
      clock.enter('start');
      // Every run scores as of the store's generated end date: "nothing changed" then means the same
      // data at the same instant (a later clock moves recency, and scores with it).
      const report = await runSync(store, deps, { shopId: SHOP, trigger: 'bench', full, pollIntervalMs: 50, asOf: BENCH_AS_OF });
      const seconds = round1((performance.now() - started) / 1000);
      const { stages, peakRssMiB } = clock.finish();
      const changed = report.wrote.shopify.tagsAdded + report.wrote.shopify.tagsRemoved;
      const figures: RunFigures = {
        name,
        status: report.status,
        seconds,
        peakRssMiB,
        stages: stages.filter((s) => s.stage !== 'start' || s.seconds >= 0.1),
        read: report.read,
        wrote: report.wrote,
        calls: report.calls,
        perCustomer: perCustomerCost(report, changed),
      };
      if (report.status !== 'succeeded') throw new Error(`${name} failed: ${report.failure?.message ?? JSON.stringify(report.errors.slice(0, 3))}`);
      options.log(describeRun(figures));
      runs.push(figures);
      return figures;
    };

    const first = await run('first sync', true);
    const second = await run('second sync, nothing changed', false);
    const change = await command({ op: 'change', share: 0.01, at: new Date(Date.parse(BENCH_AS_OF) - 3_600_000).toISOString() });
    options.log(`changed 1 % of the customers in the emulated store: ${String(change.orders)} new orders, ${String(change.consentChanges)} consent changes`);
    const third = await run('sync after 1 % changed', false);
    await store.close();

    const writes = (r: RunFigures) => r.wrote.shopify.tagsAdded + r.wrote.shopify.tagsRemoved + r.wrote.shopify.segmentsCreated + r.wrote.shopify.segmentsUpdated + r.wrote.hubspot.contactsUpserted + r.wrote.hubspot.membershipsAdded + r.wrote.hubspot.membershipsRemoved + r.wrote.hubspot.listsCreated + r.wrote.hubspot.propertiesCreated;
    const memberships = first.wrote.shopify.tagsAdded + first.wrote.shopify.tagsRemoved;
    const hubspotChanges = first.wrote.hubspot.contactsUpserted + first.wrote.hubspot.membershipsAdded + first.wrote.hubspot.membershipsRemoved;
    const hubspotSetup = first.wrote.hubspot.listsCreated + first.wrote.hubspot.propertiesCreated + 2;
    // Tag writes: the mutations other than segment set-up (one segmentCreate per segment) and Flow triggers.
    const shopifyWriteCalls = first.calls.shopify.mutations - first.wrote.shopify.segmentsCreated - first.wrote.shopify.segmentsUpdated - first.wrote.shopify.segmentsDeleted - (first.wrote.shopify.flowTriggers ?? 0);
    const targets: EndToEndResult['targets'] = [
      // The wall-time and memory targets are set for the 100k store (100,000 customers, 1M orders).
      ...(options.size === '100k'
        ? [
            { target: 'first sync at most 20 s wall (100k customers, 1M orders)', measured: `${first.seconds} s`, met: first.seconds <= 20 },
            { target: 'first sync at most 1 GiB peak resident memory', measured: `${first.peakRssMiB} MiB`, met: first.peakRssMiB <= 1024 },
          ]
        : []),
      {
        target: `Shopify writes for ${memberships.toLocaleString('en')} changed memberships: at most 10 calls per 100,000`,
        measured: `${shopifyWriteCalls} calls (${first.calls.shopify.bulkMutations} bulk mutations, ${first.calls.shopify.stagedUploads} staged uploads), plus ${first.wrote.shopify.segmentsCreated} segment set-ups`,
        met: shopifyWriteCalls <= Math.max(10, Math.ceil((memberships / 100_000) * 10)),
      },
      {
        target: `HubSpot: at most the batch minimum (${hubspotChanges.toLocaleString('en')} changes / 100 + set-up)`,
        measured: `${first.calls.hubspot.requests} requests (minimum ${Math.ceil(hubspotChanges / 100) + hubspotSetup} incl. ${hubspotSetup} set-up, reads ${Math.ceil(first.read.hubspot.contacts / 100)})`,
        met: first.calls.hubspot.requests <= Math.ceil(hubspotChanges / 100) + hubspotSetup + Math.ceil(first.read.hubspot.contacts / 100),
      },
      { target: 'second sync with no change: zero platform writes', measured: `${writes(second)} writes`, met: writes(second) === 0 },
      {
        target: 'after a 1 % change: writes proportional to the change',
        measured: `${writes(third)} writes (${third.wrote.shopify.tagsAdded + third.wrote.shopify.tagsRemoved} tag changes) for ${String(change.orders)} changed customers`,
        met: third.wrote.shopify.tagsAdded + third.wrote.shopify.tagsRemoved <= Math.max(50, Number(change.orders) * 20),
      },
    ];
    return { size: options.size, customers: ready.customers, orders: ready.orders, contacts: ready.contacts, groups: ready.groups, hubspotRequestsPerTenSeconds: BENCH_HUBSPOT_REQUESTS_PER_10S, seedSeconds, runs, targets };
  } finally {
    child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeRun(r: RunFigures): string {
  const lines = [`${r.name}: ${r.status} in ${r.seconds} s, peak RSS ${r.peakRssMiB} MiB`];
  for (const s of r.stages) lines.push(`  ${s.stage.padEnd(30)} ${String(s.seconds).padStart(7)} s  ${String(s.peakRssMiB).padStart(6)} MiB`);
  const c = r.calls;
  lines.push(
    `  Shopify: ${c.shopify.queries} queries, ${c.shopify.mutations} mutations (${c.shopify.bulkMutations} bulk, ${c.shopify.stagedUploads} staged uploads), ${c.shopify.costPointsSpent.toLocaleString('en')} cost points, ${c.shopify.throttledResponses} throttled` +
      ` | one call per customer: ${r.perCustomer.shopifyCalls.toLocaleString('en')} calls, ${r.perCustomer.shopifyCostPoints.toLocaleString('en')} points`,
    `  HubSpot: ${c.hubspot.requests} requests (${c.hubspot.searchRequests} searches, ${c.hubspot.rateLimited} rate-limited) | one per record: ${r.perCustomer.hubspotRequests.toLocaleString('en')} requests`,
    `  wrote: Shopify ${r.wrote.shopify.tagsAdded} tags added, ${r.wrote.shopify.tagsRemoved} removed, ${r.wrote.shopify.segmentsCreated} segments created; HubSpot ${r.wrote.hubspot.contactsUpserted} contacts upserted, ${r.wrote.hubspot.membershipsAdded} memberships added, ${r.wrote.hubspot.membershipsRemoved} removed`,
  );
  return lines.join('\n');
}
