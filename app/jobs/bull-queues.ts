// The queues on bull 4 and Redis: one bull queue per kind of job (job-types.ts), shared by the
// web process (which enqueues) and any number of workers on any number of machines (which
// process). Failed jobs are retried with exponential backoff, or after the platform's own wait
// hint when the error carries one; permanent errors are not retried. A job whose worker dies is
// found stalled and handed to another worker. A coalesced job (EnqueueOptions.coalesce) takes in
// every delivery with its id until it starts: its window, and any time it then waits for a worker.
import Bull from 'bull';
import { isRetriable, RefineryError } from '../../core/errors.ts';
import { QUEUE_NAMES, type EnqueueOptions, type JobData, type JobQueue, type QueueKind } from './job-types.ts';

export const JOB_DEFAULTS = {
  attempts: 8,
  backoffBaseMs: 2000,
  backoffMaxMs: 5 * 60_000,
  /** How long a worker holds a job before another may take it as stalled (renewed while running). */
  lockDurationMs: 30_000,
  stalledIntervalMs: 15_000,
  /**
   * Longest time a coalesced job may take in further deliveries: normally it stops when the job
   * starts (processQueues releases the key); this bounds it should the job never start.
   */
  coalesceHoldMs: 60_000,
} as const;

// Releases a coalescing key (bull's debounce key) when it still names the job that starts.
const RELEASE_COALESCING = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface BullQueues {
  readonly queue: JobQueue;
  readonly queues: Readonly<Record<QueueKind, Bull.Queue>>;
  /** The Redis key prefix of the queues. */
  readonly prefix: string;
  close(): Promise<void>;
}

export interface BullQueueOptions {
  redisUrl: string;
  /** Key prefix in Redis (tests use their own). */
  prefix?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  backoffBaseMs?: number;
  /** Finished jobs kept per queue for the dashboard (privacy jobs: none); default 1,000. */
  keepCompleted?: number;
}

/** Exponential backoff with the platform's wait hint as a floor. */
export function backoffDelay(attemptsMade: number, error: unknown, baseMs: number, maxMs: number = JOB_DEFAULTS.backoffMaxMs): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  const hint = error instanceof RefineryError && error.retryAfterMs !== undefined ? error.retryAfterMs : 0;
  return Math.max(exponential, Math.min(hint, maxMs));
}

export function createBullQueues(options: BullQueueOptions): BullQueues {
  const base = options.backoffBaseMs ?? JOB_DEFAULTS.backoffBaseMs;
  const settings: Bull.AdvancedSettings = {
    lockDuration: options.lockDurationMs ?? JOB_DEFAULTS.lockDurationMs,
    stalledInterval: options.stalledIntervalMs ?? JOB_DEFAULTS.stalledIntervalMs,
    maxStalledCount: 3,
    backoffStrategies: { hinted: (attemptsMade, error) => backoffDelay(attemptsMade, error, base) },
  };
  const queues = {} as Record<QueueKind, Bull.Queue>;
  const prefix = options.prefix ?? 'refinery';
  for (const [kind, name] of Object.entries(QUEUE_NAMES) as [QueueKind, string][]) {
    queues[kind] = new Bull(name, options.redisUrl, {
      prefix,
      settings,
      defaultJobOptions: {
        attempts: JOB_DEFAULTS.attempts,
        backoff: { type: 'hinted' },
        // A finished privacy job is forgotten at once (after a shop redaction nothing of the shop may stay).
        removeOnComplete: kind === 'privacy' ? true : (options.keepCompleted ?? 1000),
        removeOnFail: 5000,
      },
    });
  }
  const queue: JobQueue = {
    async enqueue<K extends QueueKind>(kind: K, data: JobData[K], opts: EnqueueOptions = {}) {
      await queues[kind].add(data, {
        ...(opts.jobId === undefined ? {} : { jobId: opts.jobId }),
        ...(opts.delayMs === undefined ? {} : { delay: opts.delayMs }),
        // The key outlives the window: it is released when the job starts (processQueues).
        ...(opts.coalesce === undefined ? {} : { delay: opts.coalesce.windowMs, debounce: { id: opts.coalesce.id, ttl: Math.max(opts.coalesce.windowMs, JOB_DEFAULTS.coalesceHoldMs) } }),
      });
    },
  };
  return {
    queue,
    queues,
    prefix,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}

export type Handlers = { [K in QueueKind]: (data: JobData[K]) => Promise<unknown> };

/**
 * Processes every queue with the app's handlers. A permanent error fails the job at once (no
 * retries); a retriable one goes back with backoff. Close the queues to stop: bull waits for the
 * jobs in hand to finish (graceful shutdown), and a job of a worker killed outright is taken up
 * again by another once its lock lapses.
 */
export function processQueues(queues: BullQueues, handlers: Handlers, options: { concurrency?: Partial<Record<QueueKind, number>>; log?: (line: string) => void } = {}): void {
  for (const kind of Object.keys(QUEUE_NAMES) as QueueKind[]) {
    const handle = handlers[kind] as (data: unknown) => Promise<unknown>;
    const queue = queues.queues[kind];
    void queue.process(options.concurrency?.[kind] ?? 1, async (job: Bull.Job) => {
      // A coalesced job takes in no more deliveries once it runs: one coming now (perhaps after
      // the handler read the data) makes a new job, so that no change is missed. (Failing here
      // fails the attempt, to be retried.)
      const coalescing = job.opts.debounce?.id;
      if (coalescing) await queue.client.eval(RELEASE_COALESCING, 1, `${queues.prefix}:${queue.name}:de:${coalescing}`, String(job.id));
      try {
        return await handle(job.data);
      } catch (error) {
        if (!isRetriable(error)) await job.discard();
        options.log?.(`${kind} job ${String(job.id)} attempt ${job.attemptsMade + 1} failed${isRetriable(error) ? ' (will retry)' : ''}: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
    });
  }
}
