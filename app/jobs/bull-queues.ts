// The queues on bull 4 and Redis: one bull queue per kind of job (job-types.ts), shared by the
// web process (which enqueues) and any number of workers on any number of machines (which
// process). Failed jobs are retried with exponential backoff, or after the platform's own wait
// hint when the error carries one; permanent errors are not retried. A job whose worker dies is
// found stalled and handed to another worker.
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
} as const;

export interface BullQueues {
  readonly queue: JobQueue;
  readonly queues: Readonly<Record<QueueKind, Bull.Queue>>;
  close(): Promise<void>;
}

export interface BullQueueOptions {
  redisUrl: string;
  /** Key prefix in Redis (tests use their own). */
  prefix?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  backoffBaseMs?: number;
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
  for (const [kind, name] of Object.entries(QUEUE_NAMES) as [QueueKind, string][]) {
    queues[kind] = new Bull(name, options.redisUrl, {
      prefix: options.prefix ?? 'refinery',
      settings,
      defaultJobOptions: {
        attempts: JOB_DEFAULTS.attempts,
        backoff: { type: 'hinted' },
        // A finished privacy job is forgotten at once (after a shop redaction nothing of the shop may stay).
        removeOnComplete: kind === 'privacy' ? true : 1000,
        removeOnFail: 5000,
      },
    });
  }
  const queue: JobQueue = {
    async enqueue<K extends QueueKind>(kind: K, data: JobData[K], opts: EnqueueOptions = {}) {
      await queues[kind].add(data, {
        ...(opts.jobId === undefined ? {} : { jobId: opts.jobId }),
        ...(opts.delayMs === undefined ? {} : { delay: opts.delayMs }),
        ...(opts.coalesce === undefined ? {} : { delay: opts.coalesce.windowMs, debounce: { id: opts.coalesce.id, ttl: opts.coalesce.windowMs } }),
      });
    },
  };
  return {
    queue,
    queues,
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
    void queues.queues[kind].process(options.concurrency?.[kind] ?? 1, async (job: Bull.Job) => {
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
