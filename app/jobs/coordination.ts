// What several workers must agree on, in Redis (or in this process when there is no Redis):
// which webhook deliveries were already taken (platforms deliver at least once), and which
// re-score of a person is the latest (so that an older write never lands after a newer one).
import type { Redis } from 'ioredis';

export interface EventLedger {
  /** True the first time an event id is seen for the shop and source; false for a repeat. */
  firstSeen(shopId: string, source: string, eventId: string): Promise<boolean>;
}

export interface PersonVersions {
  /** A new version for the person's re-score, greater than every earlier one. */
  next(shopId: string, personId: string): Promise<number>;
  latest(shopId: string, personId: string): Promise<number>;
}

/** Platforms retry a webhook for up to 48 hours (Shopify); ids are remembered a little longer. */
export const EVENT_MEMORY_SECONDS = 3 * 24 * 3600;

export function createRedisCoordination(redis: Redis, prefix = 'refinery'): { ledger: EventLedger; versions: PersonVersions } {
  return {
    ledger: {
      async firstSeen(shopId, source, eventId) {
        return (await redis.set(`${prefix}:seen:${shopId}:${source}:${eventId}`, '1', 'EX', EVENT_MEMORY_SECONDS, 'NX')) === 'OK';
      },
    },
    versions: {
      async next(shopId, personId) {
        const key = `${prefix}:person-version:${shopId}:${personId}`;
        const [[, version]] = (await redis.multi().incr(key).expire(key, EVENT_MEMORY_SECONDS).exec()) as [[unknown, number]];
        return Number(version);
      },
      async latest(shopId, personId) {
        return Number((await redis.get(`${prefix}:person-version:${shopId}:${personId}`)) ?? 0);
      },
    },
  };
}

export function createLocalCoordination(): { ledger: EventLedger; versions: PersonVersions } {
  const seen = new Set<string>();
  const versions = new Map<string, number>();
  return {
    ledger: {
      async firstSeen(shopId, source, eventId) {
        const key = `${shopId}\u0000${source}\u0000${eventId}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      },
    },
    versions: {
      async next(shopId, personId) {
        const key = `${shopId}\u0000${personId}`;
        const v = (versions.get(key) ?? 0) + 1;
        versions.set(key, v);
        return v;
      },
      async latest(shopId, personId) {
        return versions.get(`${shopId}\u0000${personId}`) ?? 0;
      },
    },
  };
}
