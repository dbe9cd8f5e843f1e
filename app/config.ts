// Configuration from the environment, read once at the edge and passed down.
import { resolve } from 'node:path';

export interface AppConfig {
  databaseUrl: string | null;
  sqlitePath: string;
  defaultShop: string | null;
  /** Redis for the queues and shared platform budgets (REDIS_URL). */
  redisUrl: string;
  /** PostgreSQL schema (REFINERY_PG_SCHEMA), default public: several installs in one database. */
  pgSchema: string | undefined;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    databaseUrl: env.DATABASE_URL?.trim() || null,
    sqlitePath: resolve(env.REFINERY_SQLITE_PATH?.trim() || 'data/refinery.db'),
    defaultShop: env.REFINERY_SHOP?.trim() || null,
    redisUrl: env.REDIS_URL?.trim() || DEFAULT_REDIS_URL,
    pgSchema: env.REFINERY_PG_SCHEMA?.trim() || undefined,
  };
}
