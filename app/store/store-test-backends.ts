// The store backends the contract suite runs against: each creates a fresh, empty database (a
// temporary SQLite file, or a uniquely named PostgreSQL schema) and removes it afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { MigratingStore, Migration } from './migrations.ts';
import { createPostgresStore } from './postgres-store.ts';
import { createSqliteStore } from './sqlite-store.ts';

export interface TestDatabase {
  /** Opens a store on this database (not migrated). Stores are closed by drop(). */
  open(migrations?: readonly Migration[]): MigratingStore;
  drop(): Promise<void>;
  /** The PostgreSQL schema, for PostgreSQL databases. */
  schema?: string;
}

export interface Backend {
  name: string;
  createDatabase(): TestDatabase;
}

function tracking(open: (migrations?: readonly Migration[]) => MigratingStore, cleanup: () => Promise<void>): TestDatabase {
  const opened: MigratingStore[] = [];
  return {
    open(migrations) {
      const store = open(migrations);
      opened.push(store);
      return store;
    },
    async drop() {
      await Promise.all(opened.map((store) => store.close()));
      await cleanup();
    },
  };
}

export const sqliteFile: Backend = {
  name: 'sqlite file',
  createDatabase() {
    const dir = mkdtempSync(join(tmpdir(), 'refinery-store-'));
    const path = join(dir, 'nested', 'refinery.db'); // the store creates the directory
    return tracking((migrations) => createSqliteStore({ path, migrations }), async () => rmSync(dir, { recursive: true, force: true }));
  },
};

export const PG_URL = process.env['DATABASE_URL_TEST'] ?? 'postgres://postgres@127.0.0.1:5432/test';
let schemas = 0;

export const postgres: Backend = {
  name: 'postgres',
  createDatabase() {
    schemas += 1;
    const schema = `refinery_test_${process.pid}_${Date.now().toString(36)}_${schemas}`;
    const database = tracking(
      (migrations) => createPostgresStore({ connectionString: PG_URL, schema, migrations, connectionTimeoutMillis: 5000 }),
      async () => {
        const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    );
    return { ...database, schema };
  },
};

export async function createSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
}
