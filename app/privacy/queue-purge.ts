// Personal data outside the database: bull jobs (webhook payloads carry emails and names; scoring
// and push jobs carry person ids; completed and failed jobs are kept for a while with their data
// and results) and the app's own Redis keys (person versions, person locks, coalescing keys, which
// name the person; delivery ids and budgets, which name the shop). A redaction removes the jobs of
// every queue and state that mention the person, and the keys whose names do; a shop redaction
// removes every job and key of the shop. A job another worker holds (active, locked) cannot be
// removed: it is counted as busy, and the caller retries later.
import type Bull from 'bull';
import type { Redis } from 'ioredis';
import { mentions, tokenPattern } from '../store/privacy-scrub.ts';
import type { BullQueues } from '../jobs/bull-queues.ts';

export interface PurgeCounts {
  jobs: number;
  keys: number;
  /** Matching jobs held by a worker right now (not removed). */
  busy: number;
}

export interface PrivacyPurger {
  /** Jobs of the shop mentioning any token, and keys of the shop whose names mention one. */
  purgePerson(shopId: string, tokens: readonly string[]): Promise<PurgeCounts>;
  /** Every job and key of the shop, except the privacy job with `keepRequestId` (the caller). */
  purgeShop(shopId: string, keepRequestId?: string): Promise<PurgeCounts>;
  /** Jobs of the shop still waiting or delayed (app/uninstalled); returns how many were removed. */
  removePendingJobs(shopId: string): Promise<number>;
}

const ALL_STATES: Bull.JobStatus[] = ['waiting', 'active', 'delayed', 'completed', 'failed', 'paused'];
const PAGE = 500;

function jobText(job: Bull.Job): string {
  return [String(job.id), JSON.stringify(job.data ?? null), JSON.stringify(job.returnvalue ?? null), job.failedReason ?? '', JSON.stringify(job.stacktrace ?? [])].join('\n');
}

const shopOf = (job: Bull.Job): unknown => (job.data as { shopId?: unknown } | null)?.shopId;

async function* jobsOf(queue: Bull.Queue, states: Bull.JobStatus[]): AsyncGenerator<Bull.Job> {
  for (const state of states) {
    for (let start = 0; ; start += PAGE) {
      const jobs = (await queue.getJobs([state], start, start + PAGE - 1, true)).filter((j): j is Bull.Job => j !== null && j !== undefined);
      for (const job of jobs) yield job;
      if (jobs.length < PAGE) break;
    }
  }
}

/** Every key under `prefix:` (SCAN, never KEYS: the server keeps answering others meanwhile). */
export async function scanKeys(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

export function createRedisPurger(redis: Redis, prefix: string, queues: BullQueues): PrivacyPurger {
  /** Removes the matching jobs (collected first: removing while paging would shift the pages). */
  async function removeJobs(match: (job: Bull.Job) => boolean, states = ALL_STATES): Promise<{ removed: number; busyIds: string[] }> {
    const matched: Bull.Job[] = [];
    for (const queue of Object.values(queues.queues)) for await (const job of jobsOf(queue, states)) if (match(job)) matched.push(job);
    let removed = 0;
    const busyIds: string[] = [];
    for (const job of new Map(matched.map((j) => [`${j.queue.name}\u0000${String(j.id)}`, j])).values()) {
      try {
        await job.remove();
        removed++;
      } catch {
        busyIds.push(String(job.id));
      }
    }
    return { removed, busyIds };
  }

  async function deleteKeys(match: (key: string) => boolean, busyIds: readonly string[]): Promise<number> {
    const keys = (await scanKeys(redis, prefix)).filter((key) => match(key) && !busyIds.some((id) => key.includes(id)));
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    return keys.length;
  }

  return {
    async purgePerson(shopId, tokens) {
      const pattern = tokenPattern(tokens);
      if (pattern === null) return { jobs: 0, keys: 0, busy: 0 };
      const { removed, busyIds } = await removeJobs((job) => (shopOf(job) === shopId || String(job.id).includes(shopId)) && mentions(jobText(job), pattern));
      const keys = await deleteKeys((key) => key.includes(shopId) && mentions(key, pattern), busyIds);
      return { jobs: removed, keys, busy: busyIds.length };
    },
    async purgeShop(shopId, keepRequestId) {
      const keep = (job: Bull.Job) => keepRequestId !== undefined && (job.data as { requestId?: unknown } | null)?.requestId === keepRequestId;
      const { removed, busyIds } = await removeJobs((job) => !keep(job) && (shopOf(job) === shopId || String(job.id).includes(shopId)));
      const keys = await deleteKeys((key) => key.includes(shopId), busyIds);
      return { jobs: removed, keys, busy: busyIds.length };
    },
    async removePendingJobs(shopId) {
      const { removed } = await removeJobs((job) => shopOf(job) === shopId, ['waiting', 'delayed', 'paused']);
      return removed;
    },
  };
}

/** In-process jobs (CLI, demo, tests without Redis) hold nothing after the process: nothing to purge. */
export function createLocalPurger(): PrivacyPurger {
  const none = { jobs: 0, keys: 0, busy: 0 };
  return {
    purgePerson: async () => none,
    purgeShop: async () => none,
    removePendingJobs: async () => 0,
  };
}
