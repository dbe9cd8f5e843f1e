// The sync scheduler: on each tick it reads every shop's schedule from the store (so a change
// applies at the next tick, without a restart) and enqueues the syncs that fell due since the
// previous tick (core/schedule/schedule.md):
// - the first tick looks back one tick (now - tickMs), never further: no backlog after a restart;
// - per shop and tick, at most one full sync and one incremental sync, each the latest fire of its
//   kind (a scheduler that was stopped, or a clock that jumped, runs one catch-up, not a flood);
// - each job is named after its fire time, `sync-full:<shop>:<fire ISO>` and
//   `sync-incremental:<shop>:<fire ISO>`, so any number of scheduler processes enqueue each fire
//   once (the queue coalesces jobs with the same id);
// - a paused schedule enqueues nothing; a shop with no saved schedule runs the default one (full
//   sync at 03:00 UTC, incremental every 15 minutes) if it is connected to Shopify, else nothing;
// - a shop whose enqueue failed is retried at the next tick from where it was (its fires are not
//   lost), still at most one of each kind.
// The clock and the timer are the caller's: tests call tick(nowMs) directly.
import { RefineryError, describeError } from '../../core/errors.ts';
import { defaultSchedule, dueSyncs, validateSchedule, type ShopSchedule } from '../../core/schedule/schedule.ts';
import type { ShopSettings, Store } from '../store/store.ts';
import type { JobQueue } from './job-types.ts';

/** Runs callback after delayMs; returns a function that cancels it. */
export type SetTimer = (callback: () => void, delayMs: number) => () => void;

export interface SchedulerOptions {
  store: Pick<Store, 'listShops' | 'getShopSettings'>;
  queue: JobQueue;
  now: () => Date | number;
  /** Default: setTimeout. */
  setTimer?: SetTimer;
  /** Time between ticks; start() ticks on multiples of it (every minute on the minute for 60000). */
  tickMs: number;
  /** Where problems are reported while running on the timer. Default: stderr. */
  log?: (line: string) => void;
}

export type ScheduledKind = 'fullSync' | 'incrementalSync';

export interface ScheduledSync {
  kind: ScheduledKind;
  shopId: string;
  jobId: string;
  /** The fire time (ISO-8601). */
  firedAt: string;
}

export interface TickReport {
  /** The period looked at, (from, to], epoch milliseconds (per shop it may start earlier after a failed enqueue). */
  from: number;
  to: number;
  enqueued: ScheduledSync[];
  /** Shops (or the shop list, shopId null) that could not be handled; they are retried next tick. */
  errors: Array<{ shopId: string | null; message: string }>;
}

export interface Scheduler {
  /** One tick at nowMs (default: now()). Ticks run one after another, never side by side. */
  tick(nowMs?: number): Promise<TickReport>;
  /** Ticks now, then on every multiple of tickMs until stop(). */
  start(): void;
  /** Stops the timer and waits for a tick in progress. */
  stop(): Promise<void>;
}

const JOB_ID_PREFIX: Record<ScheduledKind, string> = { fullSync: 'sync-full', incrementalSync: 'sync-incremental' };

/** The job id of a scheduled fire: the same in every scheduler process. */
export function scheduledJobId(kind: ScheduledKind, shopId: string, firedAtMs: number): string {
  return `${JOB_ID_PREFIX[kind]}:${shopId}:${new Date(firedAtMs).toISOString()}`;
}

/** The schedule the scheduler follows for a shop, or null (nothing to run). Throws on a stored schedule that is not valid. */
export function effectiveSchedule(settings: ShopSettings): ShopSchedule | null {
  if (settings.schedule === undefined) return settings.shopify ? defaultSchedule() : null;
  const check = validateSchedule(settings.schedule);
  if (!check.ok) throw new RefineryError('VALIDATION', `the stored schedule is not valid: ${check.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return check.schedule;
}

const defaultSetTimer: SetTimer = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  return () => clearTimeout(timer);
};

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, queue, tickMs } = options;
  if (!Number.isSafeInteger(tickMs) || tickMs < 1) throw new RangeError(`tickMs must be a positive whole number of milliseconds (got ${tickMs})`);
  const setTimer = options.setTimer ?? defaultSetTimer;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const nowMs = (): number => {
    const now = options.now();
    return typeof now === 'number' ? now : now.getTime();
  };

  let lastTick: number | null = null;
  /** Shops whose last tick failed: where their next period starts. */
  const retryFrom = new Map<string, number>();

  async function enqueueDue(shopId: string, since: number, until: number, enqueued: ScheduledSync[]): Promise<void> {
    const settings = await store.getShopSettings(shopId);
    if (settings === null) return; // deleted since it was listed
    const schedule = effectiveSchedule(settings);
    if (schedule === null) return;
    const due = dueSyncs(schedule, since, until);
    for (const kind of ['fullSync', 'incrementalSync'] as const) {
      const fire = due[kind];
      if (fire === null) continue;
      const jobId = scheduledJobId(kind, shopId, fire);
      const firedAt = new Date(fire).toISOString();
      await queue.enqueue(kind, { shopId, trigger: 'schedule', firedAt }, { jobId });
      enqueued.push({ kind, shopId, jobId, firedAt });
    }
  }

  async function runTick(now: number): Promise<TickReport> {
    const from = lastTick ?? now - tickMs;
    const report: TickReport = { from, to: now, enqueued: [], errors: [] };
    if (!(now > from)) return report; // the same instant again, or a clock that went back: nothing new is due
    let shops;
    try {
      shops = await store.listShops();
    } catch (error) {
      report.errors.push({ shopId: null, message: `could not list shops: ${describeError(error)}` });
      return report; // lastTick stays: the next tick covers this one's period
    }
    const listed = new Set<string>();
    for (const { shopId } of shops) {
      listed.add(shopId);
      const since = Math.min(retryFrom.get(shopId) ?? from, from);
      try {
        await enqueueDue(shopId, since, now, report.enqueued);
        retryFrom.delete(shopId);
      } catch (error) {
        retryFrom.set(shopId, since);
        report.errors.push({ shopId, message: describeError(error) });
      }
    }
    for (const shopId of retryFrom.keys()) if (!listed.has(shopId)) retryFrom.delete(shopId);
    lastTick = now;
    return report;
  }

  let queued: Promise<unknown> = Promise.resolve();
  function tick(at?: number): Promise<TickReport> {
    const run = queued.then(() => runTick(at ?? nowMs()));
    queued = run.catch(() => undefined);
    return run;
  }

  let started = false;
  let cancelTimer: (() => void) | null = null;
  let inFlight: Promise<void> = Promise.resolve();

  async function loop(): Promise<void> {
    cancelTimer = null;
    try {
      const report = await tick();
      for (const e of report.errors) log(`scheduler: ${e.shopId ?? 'shops'}: ${e.message}`);
    } catch (error) {
      log(`scheduler: tick failed: ${describeError(error)}`);
    }
    if (!started) return;
    const delay = tickMs - (((nowMs() % tickMs) + tickMs) % tickMs);
    cancelTimer = setTimer(() => {
      inFlight = loop();
    }, delay);
  }

  return {
    tick,
    start() {
      if (started) return;
      started = true;
      inFlight = loop();
    },
    async stop() {
      started = false;
      cancelTimer?.();
      cancelTimer = null;
      await inFlight;
    },
  };
}
