// Picks the store backend from configuration and brings its schema up to date: PostgreSQL when a
// database URL is set, the SQLite file otherwise.
import { RefineryError } from '../../core/errors.ts';
import { createPostgresStore } from './postgres-store.ts';
import { createSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export interface StoreConfig {
  /** postgres:// or postgresql:// URL (DATABASE_URL); empty or null means SQLite. */
  databaseUrl?: string | null;
  /** SQLite file, or `:memory:`. Default `./data/refinery.db`. */
  sqlitePath?: string;
  /** PostgreSQL schema to create and use. Default `public`. */
  pgSchema?: string;
}

const POSTGRES_PROTOCOLS: ReadonlySet<string> = new Set(['postgres:', 'postgresql:']);

function checkDatabaseUrl(databaseUrl: string): void {
  let protocol: string;
  try {
    protocol = new URL(databaseUrl).protocol;
  } catch {
    // The URL may hold a password: never echo it.
    throw new RefineryError('INPUT', 'DATABASE_URL is not a valid URL; expected postgres://user:password@host:5432/database');
  }
  if (!POSTGRES_PROTOCOLS.has(protocol)) {
    throw new RefineryError(
      'INPUT',
      `DATABASE_URL scheme "${protocol}" is not supported: use postgres:// or postgresql://, or leave DATABASE_URL unset to use SQLite`,
    );
  }
}

/** Opens the configured store and applies pending migrations; the store is closed again if that fails. */
export async function createStore(config: StoreConfig): Promise<Store> {
  const databaseUrl = config.databaseUrl ?? '';
  let store: Store;
  if (databaseUrl !== '') {
    checkDatabaseUrl(databaseUrl);
    store = createPostgresStore({ connectionString: databaseUrl, schema: config.pgSchema });
  } else {
    store = createSqliteStore({ path: config.sqlitePath });
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}
