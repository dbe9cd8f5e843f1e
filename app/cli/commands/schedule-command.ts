// `refinery schedule [show] | schedule set`: when a shop's syncs run (core/schedule/schedule.md).
// `set` changes only the fields given, starting from the saved schedule (or the default one), and
// saves nothing when any value is bad (exit 2, the message naming the option).
import { RefineryError } from '../../../core/errors.ts';
import {
  MAX_EVERY_MINUTES, MIN_EVERY_MINUTES, defaultSchedule, formatLocal, localTime, nextIntervalFire, upcomingFireTimes, validateSchedule,
  type ScheduleField, type ShopSchedule,
} from '../../../core/schedule/index.ts';
import { effectiveSchedule } from '../../jobs/scheduler.ts';
import type { ShopSettings } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { resolveShop } from '../context.ts';

const USAGE = 'usage: refinery schedule [show] [--shop S] [--json] | refinery schedule set [--shop S] [--cron EXPR|off] [--tz ZONE] [--every MINUTES|off] [--pause|--resume] [--json]';
const UPCOMING = 3;

export interface ScheduleFlags {
  shop?: string;
  json?: boolean;
  cron?: string;
  tz?: string;
  every?: string;
  pause?: boolean;
  resume?: boolean;
}

const SET_FLAGS = ['cron', 'tz', 'every', 'pause', 'resume'] as const;
const FLAG_OF: Record<ScheduleField | 'schedule', string> = {
  fullSyncCron: '--cron', timeZone: '--tz', incrementalEveryMinutes: '--every', paused: '--pause/--resume', schedule: 'schedule',
};

/** Minutes, null for off, or the problem. */
function parseEvery(text: string): number | null | { error: string } {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'off') return null;
  const minutes = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(minutes >= MIN_EVERY_MINUTES && minutes <= MAX_EVERY_MINUTES)) {
    return { error: `--every "${text}": must be a whole number of minutes from ${MIN_EVERY_MINUTES} to ${MAX_EVERY_MINUTES}, or off` };
  }
  return minutes;
}

/** The schedule with the options given applied; INPUT naming each bad option (all of them) otherwise. */
export function applyScheduleFlags(current: ShopSchedule, flags: ScheduleFlags): ShopSchedule {
  if (flags.pause && flags.resume) throw new RefineryError('INPUT', '--pause and --resume cannot be used together');
  const problems: string[] = [];
  const input: ShopSchedule = { ...current };
  if (flags.cron !== undefined) input.fullSyncCron = flags.cron.trim().toLowerCase() === 'off' ? null : flags.cron;
  if (flags.tz !== undefined) input.timeZone = flags.tz;
  if (flags.every !== undefined) {
    const every = parseEvery(flags.every);
    if (typeof every === 'object' && every !== null) problems.push(every.error);
    else input.incrementalEveryMinutes = every;
  }
  if (flags.pause) input.paused = true;
  if (flags.resume) input.paused = false;
  const check = validateSchedule(input);
  if (!check.ok) problems.unshift(...check.errors.map((e) => `${FLAG_OF[e.field]}: ${e.message}`));
  if (problems.length === 1) throw new RefineryError('INPUT', `${problems[0]} (nothing saved)`);
  if (problems.length > 1) throw new RefineryError('INPUT', `${problems.length} problems, nothing saved:\n  ${problems.join('\n  ')}`);
  if (!check.ok) throw new RefineryError('INTERNAL', 'schedule check failed without a message');
  return check.schedule;
}

interface ScheduleView {
  shop: string;
  /** Whether the shop has a saved schedule (otherwise the default is shown). */
  saved: boolean;
  /** Whether the scheduler runs it: saved or connected to Shopify, and not paused. */
  active: boolean;
  schedule: ShopSchedule;
  nextFullSyncs: Array<{ local: string; utc: string }>;
  nextIncrementalSync: string | null;
}

function view(shopId: string, settings: ShopSettings, nowMs: number): ScheduleView {
  const schedule = settings.schedule ?? defaultSchedule();
  const followed = effectiveSchedule(settings);
  const fires = schedule.fullSyncCron === null ? [] : upcomingFireTimes({ cron: schedule.fullSyncCron, timeZone: schedule.timeZone }, nowMs, UPCOMING);
  return {
    shop: shopId,
    saved: settings.schedule !== undefined,
    active: followed !== null && !followed.paused,
    schedule,
    nextFullSyncs: fires.map((t) => ({ local: formatLocal(schedule.timeZone, t), utc: new Date(t).toISOString() })),
    nextIncrementalSync: schedule.incrementalEveryMinutes === null ? null : new Date(nextIntervalFire(schedule.incrementalEveryMinutes, nowMs)).toISOString(),
  };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `Mon 2026-05-04 09:00 Asia/Tokyo (+09:00)` */
function localLine(timeZone: string, iso: string): string {
  const t = Date.parse(iso);
  const l = localTime(timeZone, t);
  const local = formatLocal(timeZone, t);
  const weekday = WEEKDAYS[new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay()] ?? '';
  return `${weekday} ${local.slice(0, 10)} ${local.slice(11, 16)} ${timeZone} (${local.slice(19)})`;
}

function print(ctx: CliContext, v: ScheduleView, json: boolean, savedNow: boolean): void {
  if (json) {
    ctx.out(JSON.stringify(v, null, 2));
    return;
  }
  const s = v.schedule;
  ctx.out(`${v.shop}: sync schedule${savedNow ? ' saved (applies from the next scheduler tick)' : v.saved ? '' : ' (the default: none saved)'}`);
  ctx.out(`  full sync    ${s.fullSyncCron === null ? 'off' : `${s.fullSyncCron}  (cron, in ${s.timeZone})`}`);
  ctx.out(`  incremental  ${s.incrementalEveryMinutes === null ? 'off' : `every ${s.incrementalEveryMinutes} minute${s.incrementalEveryMinutes === 1 ? '' : 's'}${v.nextIncrementalSync ? `, next at ${v.nextIncrementalSync.slice(11, 16)} UTC` : ''}`}`);
  ctx.out(`  status       ${s.paused ? 'paused: nothing runs until `refinery schedule set --resume`' : v.active ? 'active' : 'not running: no schedule saved and the shop is not connected to Shopify'}`);
  if (s.fullSyncCron === null) return;
  ctx.out(v.active ? 'next full syncs:' : 'next full syncs (once running):');
  for (const fire of v.nextFullSyncs) ctx.out(`  ${localLine(s.timeZone, fire.utc)}  =  ${fire.utc.slice(0, 10)} ${fire.utc.slice(11, 16)} UTC`);
}

export async function scheduleCommand(ctx: CliContext, positionals: string[], flags: ScheduleFlags): Promise<number> {
  const [action = 'show', ...rest] = positionals;
  if (rest.length > 0 || (action !== 'show' && action !== 'set')) throw new RefineryError('INPUT', USAGE);
  const given = SET_FLAGS.filter((f) => flags[f] !== undefined);
  if (action === 'show' && given.length > 0) {
    throw new RefineryError('INPUT', `refinery schedule show does not take ${given.map((f) => `--${f}`).join(', ')}: use refinery schedule set\n${USAGE}`);
  }
  if (action === 'set' && given.length === 0) throw new RefineryError('INPUT', `nothing to set: pass --cron, --tz, --every, --pause or --resume\n${USAGE}`);
  const shopId = await resolveShop(ctx, flags.shop);
  const settings = await ctx.store.getShopSettings(shopId);
  if (!settings) throw new RefineryError('NOT_FOUND', `unknown shop ${shopId}`);
  const now = new Date();
  if (action === 'show') {
    print(ctx, view(shopId, settings, now.getTime()), flags.json ?? false, false);
    return 0;
  }
  // The options apply to the schedule as stored at the write; nothing else changes (a HubSpot
  // token refreshed by a worker meanwhile stays). A bad option throws: nothing is saved.
  const updated = await ctx.store.updateShopSettings(
    shopId,
    (current) => {
      if (!current) return null;
      const next: ShopSettings = { ...current, schedule: applyScheduleFlags(current.schedule ?? defaultSchedule(), flags) };
      // --pause / --resume while uninstalled: the operator's choice, which a reinstall keeps.
      if (next.uninstalled && (flags.pause || flags.resume)) next.uninstalled = { ...next.uninstalled, pausedSchedule: false };
      return next;
    },
    now.toISOString(),
  );
  if (!updated) throw new RefineryError('NOT_FOUND', `unknown shop ${shopId}`);
  print(ctx, view(shopId, updated, now.getTime()), flags.json ?? false, true);
  return 0;
}
