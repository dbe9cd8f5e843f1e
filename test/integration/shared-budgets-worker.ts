// One worker process for shared-budgets-hubspot.test.ts: for each job its own HubSpot client (so
// this process's own limiters) on the job's portal, using the shared budgets (its own Redis
// connection) when the job says so. Warms up on a portal of its own (so that first-request costs
// do not delay the measured requests), says {ready}, then on {go} runs every job's requests at once
// (after the job's delay) and answers with {done: results, in job order}.
import { createHubSpotClient } from '../../connectors/hubspot/hubspot-client.ts';
import { openSharedBudgets } from '../../connectors/shared/redis-budgets.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';

export interface PortalJob {
  token: string;
  requestsPerTenSeconds: number;
  searchRequestsPerSecond: number;
  mode: 'page' | 'search';
  count: number;
  /** Through the shared budgets, else this process's limiters only. */
  shared: boolean;
  /** Starts this long after {go}. */
  delayMs: number;
}

export interface WorkerJob {
  origin: string;
  redisUrl: string;
  prefix: string;
  /** A portal with room to spare, for the warm-up. */
  warmToken: string;
  jobs: PortalJob[];
}

export interface JobResult {
  ok: number;
  failed: string[];
  requests: number;
  rateLimited: number;
  /** From {go} to the job's last answer. */
  ms: number;
}

const work = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
const send = (message: unknown): void => void process.send?.(message);

const budgets = work.jobs.some((j) => j.shared) ? await openSharedBudgets(work.redisUrl, { prefix: work.prefix }) : undefined;
const clientFor = (token: string, requestsPerTenSeconds: number, searchRequestsPerSecond: number, shared: boolean) =>
  createHubSpotClient(
    { accessToken: token, basePath: work.origin, requestsPerTenSeconds, searchRequestsPerSecond, retryPolicy: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 300 } },
    { now: Date.now, sleep: realSleep, random: Math.random, budgets: shared ? budgets : undefined },
  );
const clients = work.jobs.map((job) => clientFor(job.token, job.requestsPerTenSeconds, job.searchRequestsPerSecond, job.shared));

const warm = clientFor(work.warmToken, 1000, 50, false);
await warm.call('warm page', (sdk) => sdk.crm.contacts.basicApi.getPage(1));
await warm.call('warm search', (sdk) => sdk.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 1 } as never), { search: true });
if (budgets) await budgets.redis.ping();

async function run(job: PortalJob, index: number): Promise<JobResult> {
  if (job.delayMs > 0) await realSleep(job.delayMs);
  const started = Date.now();
  const client = clients[index];
  if (!client) throw new Error(`no client for job ${index}`);
  const settled = await Promise.allSettled(
    Array.from({ length: job.count }, () =>
      job.mode === 'search'
        ? client.call('contacts search', (sdk) => sdk.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 1 } as never), { search: true })
        : client.call('contacts page', (sdk) => sdk.crm.contacts.basicApi.getPage(1)),
    ),
  );
  const stats = client.stats();
  return {
    ok: settled.filter((s) => s.status === 'fulfilled').length,
    failed: settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : [])),
    requests: stats.requests,
    rateLimited: stats.rateLimited,
    ms: Date.now() - started,
  };
}

send({ ready: true });
await new Promise((resolve) => process.once('message', resolve));
send({ done: await Promise.all(work.jobs.map(run)) });
await budgets?.close();
process.disconnect?.();
