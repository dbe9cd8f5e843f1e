// Shopify's query cost bucket of one shop, tracked in Redis and shared by every worker process, so
// that all of them together stay inside the shop's leaky bucket rather than each alone.
//
// How it works: a hash per shop holds {available, restoreRate, maximum, updatedAtMs}. `reserve`
// runs a Lua script, atomic in Redis, that refills the bucket by the time elapsed since
// updatedAtMs times restoreRate (capped at maximum), then takes the points if they are there
// (reply 0) or replies with the milliseconds until they will be; the caller sleeps and asks again.
// Each reservation is also recorded as in flight (a sorted set beside the hash, member
// "<id>#<sequence>|<points>", scored by when it was taken) until its answer is observed.
// `observe` makes Shopify's own throttleStatus, returned with every answer, the authority: the
// bucket is reset to currentlyAvailable, minus the points of the other reservations still in
// flight (Shopify may not have seen those requests yet; counting some twice only makes us wait a
// little longer, never throttled). An answer to a request reserved before the last one observed
// may describe an older bucket, so it can only lower the estimate. Until a shop's bucket is known
// (first request, or after the keys expired) one request at a time goes out to learn it: we do not
// guess the shop's plan. Reservations whose answer never comes (a crashed worker) stop counting
// after `inflightTimeoutMs`. The per-document last requested cost stays in-process.
//
// Why Redis server time: refill is computed from timestamps written by different workers; with
// each machine's own clock, a clock running ahead would refill points that are not there yet. TIME
// inside the scripts gives every worker the same clock.
//
// Keys expire when idle (`idleTtlMs` after the last reservation or observation).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CostLimiter, CostReservation, ThrottleStatus } from './limiters.ts';
import { LUA_SERVER_NOW, LuaScript, pairOf } from './redis-script.ts';

// KEYS: bucket hash, in-flight set. ARGV: points, id, idleTtlMs, inflightTimeoutMs, probeWaitMs.
// Reply: {waitMs, now, member} (member only when taken).
const RESERVE = new LuaScript(
  'cost bucket reserve',
  `${LUA_SERVER_NOW}
local points = tonumber(ARGV[1])
local idle = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[4]))
local b = redis.call('HMGET', KEYS[1], 'available', 'restoreRate', 'maximum', 'updatedAtMs')
if not b[3] then
  if redis.call('ZCARD', KEYS[2]) > 0 then return {tonumber(ARGV[5]), now} end
  local probe = ARGV[2] .. '#' .. redis.call('HINCRBY', KEYS[1], 'seq', 1) .. '|' .. points
  redis.call('ZADD', KEYS[2], now, probe)
  redis.call('PEXPIRE', KEYS[1], idle)
  redis.call('PEXPIRE', KEYS[2], idle)
  return {0, now, probe}
end
local maximum = tonumber(b[3])
local rate = tonumber(b[2])
local available = math.min(maximum, tonumber(b[1]) + math.max(0, now - tonumber(b[4])) * rate / 1000)
local need = math.min(points, maximum)
if available >= need then
  local member = ARGV[2] .. '#' .. redis.call('HINCRBY', KEYS[1], 'seq', 1) .. '|' .. need
  redis.call('HSET', KEYS[1], 'available', available - need, 'updatedAtMs', now)
  redis.call('ZADD', KEYS[2], now, member)
  redis.call('PEXPIRE', KEYS[1], idle)
  redis.call('PEXPIRE', KEYS[2], idle)
  return {0, now, member}
end
if rate <= 0 then return {1000, now} end
return {math.max(1, math.ceil((need - available) * 1000 / rate)), now}`,
);

// KEYS: bucket hash, in-flight set. ARGV: member or '', currentlyAvailable or '', restoreRate,
// maximumAvailable, idleTtlMs, inflightTimeoutMs. Reply: {applied (1/0), now}.
const OBSERVE = new LuaScript(
  'cost bucket observe',
  `${LUA_SERVER_NOW}
local idle = tonumber(ARGV[5])
local seq = false
if ARGV[1] ~= '' then
  seq = tonumber(string.match(ARGV[1], '#(%d+)|'))
  redis.call('ZREM', KEYS[2], ARGV[1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[6]))
if ARGV[2] == '' then return {0, now} end
local pending = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  pending = pending + (tonumber(string.match(m, '|([^|]*)$')) or 0)
end
local maximum = tonumber(ARGV[4])
local rate = tonumber(ARGV[3])
local available = math.min(maximum, math.max(0, tonumber(ARGV[2]) - pending))
local b = redis.call('HMGET', KEYS[1], 'available', 'restoreRate', 'maximum', 'updatedAtMs', 'observedSeq')
local older = seq and b[5] and seq < tonumber(b[5])
if older and b[3] then
  local current = math.min(tonumber(b[3]), tonumber(b[1]) + math.max(0, now - tonumber(b[4])) * tonumber(b[2]) / 1000)
  available = math.min(current, available)
elseif seq and not older then
  redis.call('HSET', KEYS[1], 'observedSeq', seq)
end
redis.call('HSET', KEYS[1], 'available', available, 'restoreRate', rate, 'maximum', maximum, 'updatedAtMs', now)
redis.call('PEXPIRE', KEYS[1], idle)
redis.call('PEXPIRE', KEYS[2], idle)
return {1, now}`,
);

export interface SharedCostBucketOptions {
  sleep: (ms: number) => Promise<void>;
  /** Where bookkeeping that could not be stored is reported. */
  log?: (line: string) => void;
  /** Keys expire this long after the last use; default ten minutes. */
  idleTtlMs?: number;
  /** A reservation unanswered this long no longer counts as in flight; default one minute. */
  inflightTimeoutMs?: number;
  /** How often to ask again while the first request to an unknown bucket is out; default 50 ms. */
  probeWaitMs?: number;
}

export class SharedCostBucket implements CostLimiter {
  readonly key: string;
  readonly inflightKey: string;
  private readonly redis: Redis;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: (line: string) => void;
  private readonly idleTtlMs: number;
  private readonly inflightTimeoutMs: number;
  private readonly probeWaitMs: number;
  private readonly owner = randomUUID();
  private counter = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lastCost = new Map<string, number>();

  constructor(redis: Redis, key: string, options: SharedCostBucketOptions) {
    this.redis = redis;
    this.key = key;
    this.inflightKey = `${key}:inflight`;
    this.sleep = options.sleep;
    this.log = options.log ?? ((line) => console.warn(line));
    this.idleTtlMs = options.idleTtlMs ?? 600_000;
    this.inflightTimeoutMs = options.inflightTimeoutMs ?? 60_000;
    this.probeWaitMs = options.probeWaitMs ?? 50;
  }

  expectedCost(documentKey: string, guess: number): number {
    return this.lastCost.get(documentKey) ?? guess;
  }

  /** Waits until `points` are in the shop's bucket and takes them. Callers in this process are served in order. */
  reserve(points: number): Promise<CostReservation> {
    const turn = this.queue.then(() => this.waitForPoints(points));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** One atomic attempt: waitMs 0 and an id when taken, else how long until they will be; with Redis's clock. */
  async tryReserve(points: number): Promise<{ waitMs: number; serverTimeMs: number; id: string | null }> {
    const whole = Math.max(0, Math.ceil(points));
    const reply = await RESERVE.run(this.redis, [this.key, this.inflightKey], [whole, `${this.owner}:${++this.counter}`, this.idleTtlMs, this.inflightTimeoutMs, this.probeWaitMs]);
    const [waitMs, serverTimeMs] = pairOf(reply);
    const member = (reply as unknown[])[2];
    return { waitMs, serverTimeMs, id: typeof member === 'string' ? member : null };
  }

  async observe(documentKey: string, requested: number | undefined, status: ThrottleStatus | undefined, reservation?: CostReservation): Promise<void> {
    if (requested !== undefined && Number.isFinite(requested)) this.lastCost.set(documentKey, requested);
    await this.settle(status, reservation?.id ?? null);
  }

  /** Releases a reservation and/or resets the bucket to a status; reply: whether a status was applied. */
  async settle(status: ThrottleStatus | undefined, id: string | null): Promise<{ applied: boolean; serverTimeMs: number } | null> {
    const usable = status && [status.currentlyAvailable, status.restoreRate, status.maximumAvailable].every(Number.isFinite) ? status : undefined;
    if (!usable && !id) return null;
    try {
      const [applied, serverTimeMs] = pairOf(
        await OBSERVE.run(this.redis, [this.key, this.inflightKey], [
          id ?? '',
          usable ? usable.currentlyAvailable : '',
          usable?.restoreRate ?? '',
          usable?.maximumAvailable ?? '',
          this.idleTtlMs,
          this.inflightTimeoutMs,
        ]),
      );
      return { applied: applied === 1, serverTimeMs };
    } catch (error) {
      this.log(`could not record Shopify's cost status in ${this.key}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  private async waitForPoints(points: number): Promise<CostReservation> {
    let waitedMs = 0;
    for (;;) {
      const { waitMs, id } = await this.tryReserve(points);
      if (waitMs <= 0) return { waitedMs, id };
      waitedMs += waitMs;
      await this.sleep(waitMs);
    }
  }
}
