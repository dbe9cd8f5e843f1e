// Bench: webhook-to-write latency with two worker processes. A shop of N customers is synced once
// (batch), then order webhooks are POSTed to the web process (HMAC-signed, as Shopify sends them)
// at a stated rate for a stated time; two workers ingest, re-score and write. Latency per webhook:
// from the POST to the end of the Shopify write of that person's re-score, read back from bull's
// job records: the first job that wrote the person to Shopify and finished after the POST, either
// the re-score itself (it writes at once; its result says `shopify: written`) or a Shopify push job
// (a write handed to the push queue).
//
// The shop has a Shopify Plus store's GraphQL budget (1,000 points restored per second, a bucket of
// 10,000): every mutation costs 10 points, and the workers wait for points as they would on Shopify.
// The figures say what the run spent and how often it was throttled. For a diagnostic run without
// that limit (what the pipeline itself can do), set REFINERY_BENCH_SHOPIFY_RESTORE_RATE and
// REFINERY_BENCH_SHOPIFY_BUCKET; the result then names the budget it ran with.
//
// Before the webhooks, the store's tables are analysed (ANALYZE), as PostgreSQL's autovacuum does
// within a minute of the batch load: the bench measures the steady state, not the planner's first
// minute without statistics (then each person's lookups scan the shop's rows).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createBullQueues } from '../../app/jobs/bull-queues.ts';
import { createServer } from '../../app/server/create-server.ts';
import { createStore } from '../../app/store/create-store.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import { DEFAULT_REDIS_URL } from '../../app/config.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';
import { deleteRedisKeys, dropSchema } from '../support/cleanup.ts';
import { orderWebhookBody } from '../support/webhook-fixtures.ts';

export interface RealtimeBenchResult {
  customers: number;
  workers: number;
  ratePerSecond: number;
  seconds: number;
  webhooks: number;
  measured: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  throughputPerSecond: number;
  drainSeconds: number;
  /** Deliveries the web process did not answer with 200 (counted, not measured). */
  failedPosts: number;
  /** The shop's GraphQL budget in the emulator, and what the run spent of it. */
  shopify: { restoreRate: number; bucket: number; mutations: number; pointsSpent: number; throttledResponses: number };
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PG_URL = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const SECRET = 'bench-secret';
/** A Shopify Plus store's budget unless a diagnostic run says otherwise (see the top of the file). */
const budgetSetting = (name: string, plus: number): number => {
  const n = Number(process.env[name]);
  return Number.isSafeInteger(n) && n > 0 ? n : plus;
};

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * One POST over a pool of kept-alive connections (as a platform delivering webhooks keeps its
 * connections): without one, every delivery that finds no idle connection opens a new one, and at
 * a few hundred a second the web process (which shares this process with the emulator) is asked
 * for more connections than it accepts in time. Resolves with the status code.
 */
function post(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'app/jobs/worker-main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('processing queues')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}:\n${log}`)));
  });
}

export async function benchRealtime(options: { customers: number; rate: number; seconds: number; log: (line: string) => void }): Promise<RealtimeBenchResult> {
  const schema = `refinery_bench_${process.pid}_${Date.now().toString(36)}`;
  const prefix = `refinery-bench-${randomUUID().slice(0, 8)}`;
  const shop = 'bench-realtime.myshopify.com';
  const shopify = await createShopifyEmulator();
  const store = await createStore({ databaseUrl: PG_URL, pgSchema: schema });
  const total = Math.round(options.rate * options.seconds);
  // Every finished job is kept: the latencies are read from them (bull keeps 1,000 by default).
  const keepCompleted = 4 * total + 1000;
  const queues = createBullQueues({ redisUrl: REDIS_URL, prefix, keepCompleted });
  const workers: ChildProcess[] = [];
  let server: Server | null = null;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const token = 'shpat_bench';
    // A Shopify Plus store's GraphQL budget (1,000 points restored per second, 10,000 bucket): most
    // people's write is a tagsRemove and a tagsAdd (one request, 10 points each). No workflow of
    // this shop uses the Flow trigger, so no trigger is sent (each would be 10 points more).
    const restoreRate = budgetSetting('REFINERY_BENCH_SHOPIFY_RESTORE_RATE', 1000);
    const bucket = budgetSetting('REFINERY_BENCH_SHOPIFY_BUCKET', 10_000);
    shopify.addShop(shop, { accessToken: token, restoreRate, maximumAvailable: bucket });
    const customers = makeCustomers(options.customers);
    await shopify.seed(shop, { customers, orders: makeOrders(customers, new Date().toISOString()) });
    await store.saveShopSettings(shop, { tagPrefix: DEFAULT_TAG_PREFIX, shopify: { accessToken: token, adminOrigin: shopify.origin }, holdout: { share: 0.1, salt: 'bench' } }, new Date().toISOString());
    const deps = { now: () => new Date(), sleep: realSleep, random: Math.random, log: () => {}, progress: () => {} };
    const batch = await runSync(store, deps, { shopId: shop, trigger: 'test', pollIntervalMs: 20 });
    options.log(`batch sync of ${options.customers.toLocaleString('en')} customers: ${batch.status} in ${(batch.durationMs / 1000).toFixed(1)} s`);
    const analyser = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await analyser.connect();
    try {
      await analyser.query('ANALYZE');
    } finally {
      await analyser.end();
    }
    const before = shopify.stats(shop);

    const env = { ...process.env, DATABASE_URL: PG_URL, REFINERY_PG_SCHEMA: schema, REDIS_URL, REFINERY_QUEUE_PREFIX: prefix, REFINERY_KEEP_COMPLETED_JOBS: String(keepCompleted) };
    for (let i = 0; i < 2; i++) workers.push(await startWorker(env));
    const app = createServer({ store, queue: queues.queue, shopifyApiSecret: SECRET, admin: null, now: () => new Date() });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/webhooks/shopify`;

    // Deliveries at the stated rate, each a new order for a customer not hit before (so each
    // latency is one person's own re-score, not a coalesced burst).
    const sentAt = new Map<number, number>();
    const started = Date.now();
    const inFlight: Array<Promise<unknown>> = [];
    let failedPosts = 0;
    const failures = new Map<string, number>();
    const failed = (reason: string) => {
      failedPosts++;
      failures.set(reason, (failures.get(reason) ?? 0) + 1);
    };
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - Date.now();
      if (wait > 0) await realSleep(wait);
      const customer = 1 + (i % options.customers);
      const body = JSON.stringify(orderWebhookBody({ orderId: 9_000_000 + i, customer: { id: customer, email: `person${customer}@example.com` }, at: new Date().toISOString(), total: 25 }));
      const headers = {
        'content-type': 'application/json',
        'X-Shopify-Topic': 'orders/create',
        'X-Shopify-Shop-Domain': shop,
        'X-Shopify-Event-Id': `bench-${i}`,
        'X-Shopify-Hmac-Sha256': createHmac('sha256', SECRET).update(body, 'utf8').digest('base64'),
      };
      const t = Date.now();
      sentAt.set(customer, t);
      inFlight.push(
        post(agent, url, headers, body).then(
          (status) => {
            if (status !== 200) failed(`HTTP ${status}`);
          },
          (error: unknown) => {
            failed(error instanceof Error ? error.message : String(error));
            sentAt.delete(customer);
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const sendDone = Date.now();
    for (;;) {
      let busy = 0;
      for (const q of Object.values(queues.queues)) {
        const c = await q.getJobCounts();
        busy += c.waiting + c.active + c.delayed;
      }
      if (busy === 0) break;
      await realSleep(100);
    }
    const drainSeconds = (Date.now() - sendDone) / 1000;
    const after = shopify.stats(shop);
    const spent = { mutations: after.mutations - before.mutations, pointsSpent: after.costSpent - before.costSpent, throttledResponses: after.throttled - before.throttled };
    options.log(`  Shopify budget ${restoreRate} points/s, bucket ${bucket}: ${spent.mutations} mutations, ${spent.pointsSpent} points spent, ${spent.throttledResponses} throttled answers${failedPosts > 0 ? `; ${failedPosts} deliveries failed (${[...failures].map(([r, n]) => `${n} ${r}`).join(', ')})` : ''}`);

    for (const [kind, q] of Object.entries(queues.queues)) {
      const jobs = await q.getCompleted(0, -1);
      const spans = jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0)).sort((a, b) => a - b);
      const waits = jobs.map((j) => (j.processedOn ?? 0) - j.timestamp).sort((a, b) => a - b);
      if (jobs.length > 0) options.log(`  ${kind}: ${jobs.length} jobs, run p50 ${quantile(spans, 0.5)} ms p95 ${quantile(spans, 0.95)} ms, wait p50 ${quantile(waits, 0.5)} ms p95 ${quantile(waits, 0.95)} ms`);
    }
    const scorings = (await queues.queues.scoring.getCompleted(0, -1)).filter((j) => (j.returnvalue as { shopify?: { status?: string } } | null)?.shopify?.status === 'written');
    const pushes = await queues.queues.shopifyPush.getCompleted(0, -1);
    const finishedBy = new Map<number, number[]>();
    for (const job of [...scorings, ...pushes]) {
      const n = Number(/person(\d+)@/.exec((job.data as { personId: string }).personId)?.[1]);
      if (job.finishedOn) finishedBy.set(n, [...(finishedBy.get(n) ?? []), job.finishedOn]);
    }
    options.log(`  Shopify writes: ${scorings.length} in the re-score jobs, ${pushes.length} push jobs`);
    const latencies: number[] = [];
    for (const [customer, t] of sentAt) {
      const done = (finishedBy.get(customer) ?? []).filter((f) => f >= t).sort((a, b) => a - b)[0];
      if (done !== undefined) latencies.push(done - t);
    }
    latencies.sort((a, b) => a - b);
    const elapsed = (Date.now() - started) / 1000;
    return {
      customers: options.customers,
      workers: 2,
      ratePerSecond: options.rate,
      seconds: options.seconds,
      webhooks: total,
      measured: latencies.length,
      latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? Number.NaN },
      throughputPerSecond: Math.round((total / elapsed) * 10) / 10,
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      failedPosts,
      shopify: { restoreRate, bucket, ...spent },
    };
  } finally {
    agent.destroy();
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(null) : w.once('exit', resolve)))));
    if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
    await queues.close();
    await deleteRedisKeys(prefix);
    await store.close();
    await dropSchema(schema);
    await shopify.close();
  }
}
