// Jobs run in this process, for the CLI, the demo and tests when no Redis is reachable: the same
// handlers, the same coalescing by job id while a job waits, retries of retriable errors with
// backoff. Nothing survives the process; the server's scheduler and workers need Redis.
import { isRetriable } from '../../core/errors.ts';
import { backoffDelay, type Handlers } from './bull-queues.ts';
import type { EnqueueOptions, JobData, JobQueue, QueueKind } from './job-types.ts';

export interface LocalQueue extends JobQueue {
  /** Resolves when no job is waiting or running (jobs delayed beyond LATER_MS do not count). */
  idle(): Promise<void>;
  /** Handler results and failures, in completion order (for tests and the demo). */
  readonly done: Array<{ kind: QueueKind; jobId: string | null; result?: unknown; error?: string }>;
  setHandlers(handlers: Handlers): void;
}

/** Delayed jobs due further away than this do not count as waiting (LocalQueue.idle). */
export const LATER_MS = 10_000;

export function createLocalQueue(options: { attempts?: number; backoffBaseMs?: number } = {}): LocalQueue {
  const attempts = options.attempts ?? 5;
  const base = options.backoffBaseMs ?? 100;
  const waiting = new Set<string>();
  let handlers: Handlers | null = null;
  let pending = 0;
  let waiters: Array<() => void> = [];
  const done: LocalQueue['done'] = [];

  const settle = () => {
    if (pending > 0) return;
    const list = waiters;
    waiters = [];
    for (const resolve of list) resolve();
  };

  async function run<K extends QueueKind>(kind: K, data: JobData[K], jobId: string | null): Promise<void> {
    if (!handlers) throw new Error('local queue has no handlers');
    const handle = handlers[kind] as (data: JobData[K]) => Promise<unknown>;
    for (let attempt = 1; ; attempt++) {
      try {
        done.push({ kind, jobId, result: await handle(data) });
        return;
      } catch (error) {
        if (!isRetriable(error) || attempt >= attempts) {
          done.push({ kind, jobId, error: error instanceof Error ? error.message : String(error) });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, error, base, 10_000)));
      }
    }
  }

  return {
    done,
    setHandlers(next) {
      handlers = next;
    },
    async enqueue<K extends QueueKind>(kind: K, data: JobData[K], opts: EnqueueOptions = {}) {
      const jobId = opts.coalesce?.id ?? opts.jobId ?? null;
      if (jobId !== null) {
        if (waiting.has(jobId)) return;
        waiting.add(jobId);
      }
      const delayMs = opts.coalesce?.windowMs ?? opts.delayMs ?? 0;
      // A job scheduled for later (beyond LATER_MS) is not "waiting" for idle(), and does not keep
      // the process alive: idle() means "nothing due now", as a test or the demo needs it.
      const later = opts.coalesce === undefined && delayMs > LATER_MS;
      if (!later) pending++;
      const timer = setTimeout(() => {
        if (jobId !== null) waiting.delete(jobId);
        if (later) pending++;
        run(kind, data, jobId).finally(() => {
          pending--;
          settle();
        });
      }, delayMs);
      if (later) timer.unref();
    },
    idle() {
      if (pending === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
