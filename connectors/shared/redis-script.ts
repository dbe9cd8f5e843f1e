// A Lua script run atomically in Redis: EVALSHA, and EVAL once when the server does not have it
// cached yet (after a restart or a SCRIPT FLUSH). Failures become a retriable RefineryError that
// names the shared budget, so a worker whose Redis is gone says so.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RefineryError } from '../../core/errors.ts';

export class LuaScript {
  readonly source: string;
  readonly sha: string;
  private readonly name: string;

  constructor(name: string, source: string) {
    this.name = name;
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      try {
        return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await redis.eval(this.source, keys.length, ...keys, ...args);
      }
    } catch (error) {
      throw budgetStoreError(`${this.name} failed`, error);
    }
  }
}

export function budgetStoreError(what: string, cause: unknown): RefineryError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RefineryError('UPSTREAM_UNAVAILABLE', `shared rate budget in Redis: ${what}: ${reason}`, { cause });
}

/** Lua: the Redis server's clock in whole milliseconds, as `now`. */
export const LUA_SERVER_NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Two integers out of a script's reply ({a, b}). */
export function pairOf(reply: unknown): [number, number] {
  if (!Array.isArray(reply) || reply.length < 2) throw new RefineryError('INTERNAL', `unexpected reply from a budget script: ${JSON.stringify(reply)}`);
  return [Number(reply[0]), Number(reply[1])];
}
