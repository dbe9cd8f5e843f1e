// Leaving nothing behind: a test's PostgreSQL schema and its Redis keys.
import { Redis } from 'ioredis';
import pg from 'pg';
import { PG_URL } from '../../app/store/store-test-backends.ts';
import { REDIS_URL } from './redis.ts';

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
