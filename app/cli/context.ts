// What every CLI command gets: configuration, an open store, the clock and output streams.
import { RefineryError } from '../../core/errors.ts';
import { assertShopDomain } from '../../connectors/shopify/admin-client.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import type { AppConfig } from '../config.ts';
import { createStore } from '../store/create-store.ts';
import type { Store } from '../store/store.ts';
import type { SyncDeps } from '../sync/sync-types.ts';
import { createProgress, type Progress } from './progress.ts';

export interface CliContext {
  config: AppConfig;
  store: Store;
  out: (text: string) => void;
  err: (text: string) => void;
  progress: Progress;
  syncDeps(): SyncDeps;
}

export async function openContext(config: AppConfig, options: { quiet?: boolean } = {}): Promise<CliContext> {
  const store = await createStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, pgSchema: config.pgSchema, secrets: config.secrets });
  const progress = createProgress(process.stderr, options.quiet ?? false);
  const err = (text: string) => {
    progress.done();
    process.stderr.write(`${text}\n`);
  };
  return {
    config,
    store,
    out: (text) => {
      progress.done();
      process.stdout.write(`${text}\n`);
    },
    err,
    progress,
    syncDeps: () => ({
      now: () => new Date(),
      sleep: realSleep,
      random: Math.random,
      log: (line) => err(line),
      progress: (stage, message) => progress.update(stage, message),
      hubspotOAuth: config.hubspotApp,
    }),
  };
}

/** The shop a command is about: --shop, else REFINERY_SHOP, else the only shop in the store. */
export async function resolveShop(ctx: CliContext, flag: string | undefined): Promise<string> {
  const given = flag ?? ctx.config.defaultShop;
  if (given) return assertShopDomain(given);
  const shops = await ctx.store.listShops();
  if (shops.length === 1 && shops[0]) return shops[0].shopId;
  if (shops.length === 0) throw new RefineryError('INPUT', 'no shop yet: run `npm run demo` (or `refinery demo`), or pass --shop');
  throw new RefineryError('INPUT', `several shops are stored (${shops.map((s) => s.shopId).join(', ')}): pass --shop`);
}
