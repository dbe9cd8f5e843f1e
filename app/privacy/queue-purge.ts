// Personal data outside the database: bull jobs (webhook payloads carry emails and names; scoring
// and push jobs carry person ids; completed and failed jobs are kept for a while with their data
// and results) and the app's own Redis keys (person versions, person locks, coalescing keys, which
// name the person; delivery ids, shop locks and Shopify cost budgets, which name the shop).
// - A job belongs to a shop when its data's `shopId` is the shop (exactly: `store.myshopify.com` is
//   not `mystore.myshopify.com`); it is about a person when its text names one of the person's
//   identifiers as a whole token (privacy-scrub.ts). Jobs are removed with bull's `job.remove()`,
//   which also removes their hash, logs and coalescing (debounce) key; bull's keys are never
//   deleted by hand.
// - Only the app's own keys are deleted (ownKeyOwner below lists their shapes): split into their
//   segments and compared exactly with the shop and the person ids.
// A customer redaction removes the jobs of every queue and state that mention the person, and the
// keys that name them; a shop redaction removes every job and key of the shop. A job another worker
// holds (active, locked) cannot be removed: it is counted as busy, its locks are left alone, and
// the caller retries later.
import type Bull from 'bull';
import type { Redis } from 'ioredis';
import { containsExact, mentions, tokenPattern } from '../store/privacy-scrub.ts';
import type { BullQueues } from '../jobs/bull-queues.ts';
import { QUEUE_NAMES } from '../jobs/job-types.ts';

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

/** A job's text searched for a person: its id (unless bull's bare counter), data, result, failure. */
function jobText(job: Bull.Job): string {
  const id = String(job.id);
  return [/^[0-9]+$/.test(id) ? '' : id, JSON.stringify(job.data ?? null), JSON.stringify(job.returnvalue ?? null), job.failedReason ?? '', JSON.stringify(job.stacktrace ?? [])].join('\n');
}

const shopOf = (job: Bull.Job): unknown => (job.data as { shopId?: unknown } | null)?.shopId;

/** Whose one of the app's own keys is: the shop, the person (per-person keys), whether it is a lock. */
export interface KeyOwner {
  shopId: string;
  personId: string | null;
  lock: boolean;
}

const afterPrefix = (text: string, head: string): string | null => (text.startsWith(head) ? text.slice(head.length) : null);
const QUEUES: readonly string[] = Object.values(QUEUE_NAMES);

/**
 * The owner of one of the app's own keys under `prefix`, or null for any other key (bull's job
 * hashes, lists and locks, HubSpot budgets named by a hash, other prefixes). The shapes:
 *   <prefix>:seen:<shop>:<source>:<event id>          coordination.ts (delivery ids)
 *   <prefix>:person-version:<shop>:<person id>        coordination.ts
 *   <prefix>:lock:shop:<shop>                         shop-lock.ts (worker-main.ts's prefix)
 *   <prefix>:lock:person:<shop>|<person id>           shop-lock.ts, handlers.ts (scoring)
 *   <prefix>:lock:person:<platform>|<shop>|<person id>  handlers.ts (pushes)
 *   <prefix>:budget:shopify:{<shop>}[:inflight]       connectors/shared/redis-budgets.ts
 *   <prefix>:<queue>:de:score|<shop>|<person id>      a coalescing key of ours (bull's debounce,
 *                                                     left behind by a finished job until it expires)
 * A shop id never contains `:` or `|`, so the first separator after it ends it.
 */
export function ownKeyOwner(key: string, prefix: string): KeyOwner | null {
  const rest = afterPrefix(key, `${prefix}:`);
  if (rest === null) return null;
  const split = (text: string, separator: string): [string, string] | null => {
    const at = text.indexOf(separator);
    return at > 0 ? [text.slice(0, at), text.slice(at + separator.length)] : null;
  };
  let part: string | null;
  if ((part = afterPrefix(rest, 'seen:')) !== null) {
    const found = split(part, ':');
    return found ? { shopId: found[0], personId: null, lock: false } : null;
  }
  if ((part = afterPrefix(rest, 'person-version:')) !== null) {
    const found = split(part, ':');
    return found && found[1] !== '' ? { shopId: found[0], personId: found[1], lock: false } : null;
  }
  if ((part = afterPrefix(rest, 'lock:shop:')) !== null) return part === '' ? null : { shopId: part, personId: null, lock: true };
  if ((part = afterPrefix(rest, 'lock:person:')) !== null) {
    const platform = /^(shopify|hubspot)\|/.exec(part);
    const found = split(platform ? part.slice(platform[0].length) : part, '|');
    return found && found[1] !== '' ? { shopId: found[0], personId: found[1], lock: true } : null;
  }
  if ((part = afterPrefix(rest, 'budget:shopify:')) !== null) {
    const found = /^\{([^{}]+)\}(?::inflight)?$/.exec(part);
    return found?.[1] ? { shopId: found[1], personId: null, lock: false } : null;
  }
  for (const queue of QUEUES) {
    const id = afterPrefix(rest, `${queue}:de:`);
    if (id === null) continue;
    const coalesce = afterPrefix(id, 'score|');
    const found = coalesce === null ? null : split(coalesce, '|');
    return found && found[1] !== '' ? { shopId: found[0], personId: found[1], lock: false } : null;
  }
  return null;
}

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
  async function removeJobs(match: (job: Bull.Job) => boolean, states = ALL_STATES): Promise<{ removed: number; busy: number }> {
    const matched: Bull.Job[] = [];
    for (const queue of Object.values(queues.queues)) for await (const job of jobsOf(queue, states)) if (match(job)) matched.push(job);
    let removed = 0;
    let busy = 0;
    for (const job of new Map(matched.map((j) => [`${j.queue.name}\u0000${String(j.id)}`, j])).values()) {
      try {
        await job.remove();
        removed++;
      } catch {
        busy++;
      }
    }
    return { removed, busy };
  }

  /** Deletes the app's own keys whose owner matches; locks only when no matching job is held (busy). */
  async function deleteKeys(match: (owner: KeyOwner) => boolean, busy: number): Promise<number> {
    const keys = (await scanKeys(redis, prefix)).filter((key) => {
      const owner = ownKeyOwner(key, prefix);
      return owner !== null && match(owner) && !(owner.lock && busy > 0);
    });
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    return keys.length;
  }

  const ofShop = (shopId: string) => (owner: KeyOwner) => owner.shopId === shopId || owner.shopId === shopId.toLowerCase();

  return {
    async purgePerson(shopId, tokens) {
      const pattern = tokenPattern(tokens);
      if (pattern === null) return { jobs: 0, keys: 0, busy: 0 };
      const people = new Set(tokens.map((t) => t.toLowerCase()));
      // Numeric ids (a REST payload's `"id": 42`) are compared with the job's JSON values exactly.
      const numeric = new Set(tokens.filter((t) => /^[0-9]+$/.test(t)));
      const about = (job: Bull.Job) => mentions(jobText(job), pattern) || containsExact([job.data, job.returnvalue], numeric);
      const { removed, busy } = await removeJobs((job) => shopOf(job) === shopId && about(job));
      const inShop = ofShop(shopId);
      const keys = await deleteKeys((owner) => inShop(owner) && owner.personId !== null && people.has(owner.personId.toLowerCase()), busy);
      return { jobs: removed, keys, busy };
    },
    async purgeShop(shopId, keepRequestId) {
      const keep = (job: Bull.Job) => keepRequestId !== undefined && (job.data as { requestId?: unknown } | null)?.requestId === keepRequestId;
      const { removed, busy } = await removeJobs((job) => !keep(job) && shopOf(job) === shopId);
      const keys = await deleteKeys(ofShop(shopId), busy);
      return { jobs: removed, keys, busy };
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
