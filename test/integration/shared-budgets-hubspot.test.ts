// Three worker processes on one HubSpot portal: with the Redis budgets they share the portal's
// ten-second window and its search limit, and HubSpot never answers 429; with only their
// in-process limiters (each keeping to the limit alone) the same load is refused, which shows the
// test can fail. Every worker runs all four loads, each on its own portal; the two loads without
// the shared budget start a moment later and are over long before the shared window turns, so that
// the first burst of the shared load is not slowed by theirs (HubSpot, and the emulator, count a
// request when it arrives; the client's margin for that is HUBSPOT_LIMITS.windowMarginMs).
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Redis } from 'ioredis';
import { createHubSpotEmulator, type HubSpotEmulator } from '../emulators/hubspot/index.ts';
import type { PortalStats } from '../emulators/hubspot/types.ts';
import { addPortal, makeContacts } from '../support/hubspot-harness.ts';
import { REDIS_URL, connectRedis, deleteKeys, keysUnder, uniquePrefix } from '../support/redis.ts';
import type { JobResult, PortalJob, WorkerJob } from './shared-budgets-worker.ts';

const WORKER = fileURLToPath(new URL('./shared-budgets-worker.ts', import.meta.url));
const WORKERS = 3;
/** The portal allows 20 requests per ten seconds; the workers send 3 x 10 at once. */
const WINDOW = { limit: 20, perWorker: 10 };
/**
 * The portal allows 4 searches a second; each client keeps to 2, half, so that requests counted
 * when sent but by HubSpot when they arrive cannot matter; three clients alone send 6 a second.
 */
const SEARCH = { portal: 4, client: 2, perWorker: 4 };

const prefix = uniquePrefix('hubspot');
let emulator: HubSpotEmulator;
let redis: Redis;
const portals = { windowShared: 0, windowAlone: 0, searchShared: 0, searchAlone: 0 };
/** Per load: one result per worker. */
const results = new Map<keyof typeof portals, JobResult[]>();
const tokens: string[] = [];

function startWorker(work: WorkerJob): { ready: Promise<void>; go(): void; done: Promise<JobResult[]> } {
  const child = fork(WORKER, [JSON.stringify(work)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const killer = setTimeout(() => child.kill(), 60_000);
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const done = new Promise<JobResult[]>((resolve, reject) => {
    child.on('message', (message: { ready?: boolean; done?: JobResult[] }) => {
      if (message.ready) onReady();
      if (message.done) resolve(message.done);
    });
    child.on('exit', (code) => {
      clearTimeout(killer);
      reject(new Error(`a worker exited (${code}) before answering`));
    });
  });
  done.catch(() => {});
  return { ready: Promise.race([ready, done.then(() => {})]), go: () => child.send('go'), done };
}

before(async () => {
  redis = await connectRedis();
  emulator = await createHubSpotEmulator();
  const jobs: Array<[keyof typeof portals, Omit<PortalJob, 'token'>, { requestsPerTenSeconds: number; searchRequestsPerSecond: number }]> = [
    ['windowShared', { mode: 'page', count: WINDOW.perWorker, requestsPerTenSeconds: WINDOW.limit, searchRequestsPerSecond: 50, shared: true, delayMs: 0 }, { requestsPerTenSeconds: WINDOW.limit, searchRequestsPerSecond: 100 }],
    ['windowAlone', { mode: 'page', count: WINDOW.perWorker, requestsPerTenSeconds: WINDOW.limit, searchRequestsPerSecond: 50, shared: false, delayMs: 1500 }, { requestsPerTenSeconds: WINDOW.limit, searchRequestsPerSecond: 100 }],
    ['searchShared', { mode: 'search', count: SEARCH.perWorker, requestsPerTenSeconds: 1000, searchRequestsPerSecond: SEARCH.client, shared: true, delayMs: 0 }, { requestsPerTenSeconds: 1000, searchRequestsPerSecond: SEARCH.portal }],
    ['searchAlone', { mode: 'search', count: SEARCH.perWorker, requestsPerTenSeconds: 1000, searchRequestsPerSecond: SEARCH.client, shared: false, delayMs: 1500 }, { requestsPerTenSeconds: 1000, searchRequestsPerSecond: SEARCH.portal }],
  ];
  const portalJobs: PortalJob[] = [];
  for (const [name, job, limits] of jobs) {
    const portal = await addPortal(emulator, { contacts: makeContacts(5), ...limits });
    portals[name] = portal.portalId;
    tokens.push(portal.token);
    portalJobs.push({ ...job, token: portal.token });
  }
  const warmPortal = await addPortal(emulator, { contacts: makeContacts(1) });
  const workers = Array.from({ length: WORKERS }, () => startWorker({ origin: emulator.origin, redisUrl: REDIS_URL, prefix, warmToken: warmPortal.token, jobs: portalJobs }));
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.go();
  const answers = await Promise.all(workers.map((w) => w.done));
  jobs.forEach(([name], i) => results.set(name, answers.map((a) => a[i] as JobResult)));
});

after(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
  await emulator.close();
});

function summary(name: keyof typeof portals): { ok: number; failed: string[]; rateLimited: number; ms: number; stats: PortalStats } {
  const rs = results.get(name) ?? [];
  return {
    ok: rs.reduce((n, r) => n + r.ok, 0),
    failed: rs.flatMap((r) => r.failed),
    rateLimited: rs.reduce((n, r) => n + r.rateLimited, 0),
    ms: Math.max(0, ...rs.map((r) => r.ms)),
    stats: emulator.stats(portals[name]),
  };
}

test('ten-second window, shared through Redis: together the workers never get a 429 nor exceed the rate', async () => {
  const { ok, failed, rateLimited, ms, stats } = summary('windowShared');
  assert.deepEqual(failed, []);
  assert.equal(ok, WORKERS * WINDOW.perWorker);
  assert.equal(stats.tooManyRequests, 0, 'HubSpot never had to refuse a request');
  assert.equal(rateLimited, 0);
  assert.equal(stats.requests, WORKERS * WINDOW.perWorker);
  assert.ok(stats.peakRequestsPerTenSeconds <= WINDOW.limit, `peak ${stats.peakRequestsPerTenSeconds} in ten seconds, limit ${WINDOW.limit}`);
  assert.ok(ms >= 10_000, `the next window was waited for (${ms} ms)`);
  const keys = await keysUnder(redis, prefix);
  assert.ok(keys.some((k) => k.endsWith(':window')), `the window is in Redis: ${keys.join(', ')}`);
  assert.ok(keys.every((k) => tokens.every((t) => !k.includes(t))), 'no token in a key');
});

test('ten-second window, each worker alone: the same load gets 429s (the test can fail)', () => {
  const { stats } = summary('windowAlone');
  assert.ok(stats.rateLimitedByPolicy.TEN_SECONDLY_ROLLING > 0, `${stats.tooManyRequests} requests refused`);
});

test('search limit, shared through Redis: together the workers never get a 429', () => {
  const { failed, rateLimited, ms, stats } = summary('searchShared');
  assert.deepEqual(failed, []);
  assert.equal(stats.tooManyRequests, 0, 'HubSpot never had to refuse a search');
  assert.equal(rateLimited, 0);
  assert.equal(stats.requestsByKind['contacts.search'], WORKERS * SEARCH.perWorker);
  assert.ok(stats.peakSearchRequestsPerSecond <= SEARCH.portal, `peak ${stats.peakSearchRequestsPerSecond} searches in a second`);
  const seconds = (WORKERS * SEARCH.perWorker) / SEARCH.client - 1;
  assert.ok(ms >= seconds * 1000, `${WORKERS * SEARCH.perWorker} searches at ${SEARCH.client} a second took ${ms} ms`);
});

test('search limit, each worker alone: the same searches get 429s (the test can fail)', () => {
  const { stats } = summary('searchAlone');
  assert.ok(stats.rateLimitedByPolicy.SECONDLY > 0, `${stats.tooManyRequests} searches refused`);
});
