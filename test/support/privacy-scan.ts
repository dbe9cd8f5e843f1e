// Looking for personal data everywhere a test can: every row of every table of the database (the
// tables listed by the database itself, not by the code under test), every Redis key under a
// prefix with its value whatever its type, and every bull job in every state.
import { DatabaseSync } from 'node:sqlite';
import type { Redis } from 'ioredis';
import pg from 'pg';
import type { BullQueues } from '../../app/jobs/bull-queues.ts';
import { PG_URL } from '../../app/store/store-test-backends.ts';

export type Database = { kind: 'sqlite'; path: string } | { kind: 'postgres'; schema: string };

/** Every row of every table, as text: [table, row text]. */
export async function allRows(db: Database): Promise<Array<{ table: string; text: string; shopId: unknown }>> {
  const out: Array<{ table: string; text: string; shopId: unknown }> = [];
  if (db.kind === 'sqlite') {
    const conn = new DatabaseSync(db.path, { readOnly: true });
    try {
      const tables = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
      for (const { name } of tables) {
        for (const row of conn.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>) {
          out.push({ table: name, text: JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)), shopId: row['shop_id'] });
        }
      }
    } finally {
      conn.close();
    }
    return out;
  }
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", [db.schema]);
    for (const { table_name: name } of tables.rows) {
      const rows = await client.query<{ text: string; shop_id?: unknown }>(`SELECT t::text AS text, to_jsonb(t) -> 'shop_id' AS shop_id FROM "${db.schema}"."${name}" AS t`);
      for (const row of rows.rows) out.push({ table: name, text: row.text, shopId: row.shop_id ?? undefined });
    }
  } finally {
    await client.end();
  }
  return out;
}

/** Every key under the prefix with its whole value as text. */
export async function allRedis(redis: Redis, prefix: string): Promise<Array<{ key: string; text: string }>> {
  const out: Array<{ key: string; text: string }> = [];
  let cursor = '0';
  const keys: string[] = [];
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  for (const key of keys) {
    const type = await redis.type(key);
    let value: unknown;
    if (type === 'string') value = await redis.get(key);
    else if (type === 'hash') value = await redis.hgetall(key);
    else if (type === 'list') value = await redis.lrange(key, 0, -1);
    else if (type === 'set') value = await redis.smembers(key);
    else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'stream') value = await redis.xrange(key, '-', '+');
    else value = `(${type})`;
    out.push({ key, text: `${key}\n${JSON.stringify(value)}` });
  }
  return out;
}

/** Every job of every queue in every state, as text. */
export async function allJobs(queues: BullQueues): Promise<Array<{ queue: string; id: string; shopId: unknown; text: string }>> {
  const out: Array<{ queue: string; id: string; shopId: unknown; text: string }> = [];
  for (const queue of Object.values(queues.queues)) {
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'paused']);
    for (const job of jobs) {
      if (!job) continue;
      out.push({
        queue: queue.name,
        id: String(job.id),
        shopId: (job.data as { shopId?: unknown }).shopId,
        text: JSON.stringify({ id: job.id, data: job.data, returnvalue: job.returnvalue, failedReason: job.failedReason, stacktrace: job.stacktrace }),
      });
    }
  }
  return out;
}

/** The places (table / key / job) whose text contains any needle, ignoring case. */
export function findNeedles(items: Array<{ text: string }>, needles: readonly string[], where: (item: never) => string): string[] {
  const lower = needles.map((n) => n.toLowerCase());
  return items.filter((item) => lower.some((n) => item.text.toLowerCase().includes(n))).map((item) => where(item as never));
}
