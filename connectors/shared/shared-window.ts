// A rolling-window limiter shared by every worker process through Redis: at most `limit`
// acquisitions in any `windowMs`, counted across all processes that use the same key (HubSpot's
// ten-second window and search limit are per portal, not per process).
//
// How it works: one sorted set per key holds one member per acquisition (unique: a random id per
// limiter plus a counter), scored by the time it was granted. A Lua script, atomic in Redis,
// trims members older than the window, counts the rest, and adds one if under the limit (reply 0),
// else replies with the milliseconds until the oldest member leaves the window; the caller sleeps
// that long and asks again. A 429's Retry-After is stored as a key with that expiry next to the
// set, which the script checks first, so every process holds back, not only the one refused.
// Within one process callers are served in order (one at a time asks Redis); across processes the
// first to ask after a slot frees gets it.
//
// Why Redis server time: the scores are compared by every worker; taken from each machine's own
// clock, a worker whose clock runs behind would see old acquisitions as still in the window
// (slower) and one whose clock runs ahead would see them as gone (over the limit). TIME inside the
// script gives all of them one clock, and Redis 5+ replicates the script's effects, not the script.
//
// Keys expire when idle: the set a second after its newest member left the window, the pause
// when it ends.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RequestLimiter } from './limiters.ts';
import { LUA_SERVER_NOW, LuaScript, pairOf } from './redis-script.ts';

/** How long an idle window's set outlives its newest member's window. */
const IDLE_SLACK_MS = 1000;

// KEYS: window set, pause key. ARGV: limit, windowMs, member, idle slack. Reply: {waitMs, now}.
const ACQUIRE = new LuaScript(
  'rolling window acquire',
  `${LUA_SERVER_NOW}
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {paused, now} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], windowMs + tonumber(ARGV[4]))
  return {0, now}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {math.max(1, tonumber(oldest[2]) + windowMs - now), now}`,
);

// KEYS: pause key. ARGV: ms. Extends the pause to `ms` from now; never shortens it.
const PAUSE = new LuaScript(
  'rolling window pause',
  `local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 0`,
);

export interface SharedWindowOptions {
  limit: number;
  windowMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Where a pause that could not be stored is reported. */
  log?: (line: string) => void;
}

export class SharedWindowLimiter implements RequestLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly key: string;
  readonly pauseKey: string;
  private readonly redis: Redis;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: (line: string) => void;
  private readonly owner = randomUUID();
  private counter = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(redis: Redis, key: string, options: SharedWindowOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error(`rate limit must be a positive whole number, got ${options.limit}`);
    if (!(options.windowMs > 0)) throw new Error(`window must be positive, got ${options.windowMs} ms`);
    this.redis = redis;
    this.key = key;
    this.pauseKey = `${key}:pause`;
    this.limit = options.limit;
    this.windowMs = Math.ceil(options.windowMs);
    this.sleep = options.sleep;
    this.log = options.log ?? ((line) => console.warn(line));
  }

  /** Waits until a request may be sent, then counts it. Callers in this process are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** One atomic attempt: waitMs 0 when counted, else how long until one may be; with Redis's clock. */
  async tryAcquire(): Promise<{ waitMs: number; serverTimeMs: number }> {
    const member = `${this.owner}:${++this.counter}`;
    const [waitMs, serverTimeMs] = pairOf(await ACQUIRE.run(this.redis, [this.key, this.pauseKey], [this.limit, this.windowMs, member, IDLE_SLACK_MS]));
    return { waitMs, serverTimeMs };
  }

  /** After a 429: no process sends on this key until `ms` from now. */
  async pause(ms: number): Promise<void> {
    const whole = Math.ceil(ms);
    if (!(whole > 0)) return;
    try {
      await PAUSE.run(this.redis, [this.pauseKey], [whole]);
    } catch (error) {
      this.log(`could not share a ${whole} ms pause for ${this.key}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const { waitMs } = await this.tryAcquire();
      if (waitMs <= 0) return;
      await this.sleep(waitMs);
    }
  }
}
