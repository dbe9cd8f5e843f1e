// Picks the store backend from configuration and brings its schema up to date: PostgreSQL when a
// database URL is set, the SQLite file otherwise.
import { RefineryError } from '../../core/errors.ts';
import { dirname, join, resolve } from 'node:path';
import { createPostgresStore } from './postgres-store.ts';
import { openSecretBox, processSecretBox, type SecretBox, type SecretConfig } from './secret-box.ts';
import { createSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export interface StoreConfig {
  /** postgres:// or postgresql:// URL (DATABASE_URL); empty or null means SQLite. */
  databaseUrl?: string | null;
  /** SQLite file, or `:memory:`. Default `./data/refinery.db`. */
  sqlitePath?: string;
  /** PostgreSQL schema to create and use. Default `public`. */
  pgSchema?: string;
  /**
   * How secrets are sealed at rest (AppConfig.secrets, or a box). Default: the local key file next to
   * the SQLite file (`secret.key`), or a key of this process for `:memory:`.
   */
  secrets?: SecretConfig | SecretBox;
}

function secretBoxOf(config: StoreConfig): SecretBox {
  const given = config.secrets;
  if (given && 'seal' in given) return given;
  if (given) return openSecretBox(given);
  const path = config.sqlitePath ?? './data/refinery.db';
  if (path === ':memory:' && !config.databaseUrl) return processSecretBox();
  return openSecretBox({ keys: null, keyFile: join(dirname(resolve(path)), 'secret.key'), production: false });
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
    store = createPostgresStore({ connectionString: databaseUrl, schema: config.pgSchema, secrets: secretBoxOf(config) });
  } else {
    store = createSqliteStore({ path: config.sqlitePath, secrets: secretBoxOf(config) });
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}
