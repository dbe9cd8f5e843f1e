// Configuration from the environment, read once at the edge and passed down.
import { resolve } from 'node:path';

export interface AppConfig {
  databaseUrl: string | null;
  sqlitePath: string;
  defaultShop: string | null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    databaseUrl: env.DATABASE_URL?.trim() || null,
    sqlitePath: resolve(env.REFINERY_SQLITE_PATH?.trim() || 'data/refinery.db'),
    defaultShop: env.REFINERY_SHOP?.trim() || null,
  };
}
