// Configuration from the environment, read once at the edge and passed down.
import { dirname, join, resolve } from 'node:path';
import { RefineryError } from '../core/errors.ts';
import type { SecretConfig } from './store/secret-box.ts';

export interface AppConfig {
  databaseUrl: string | null;
  sqlitePath: string;
  defaultShop: string | null;
  /** Redis for the queues and shared platform budgets (REDIS_URL). */
  redisUrl: string;
  /** PostgreSQL schema (REFINERY_PG_SCHEMA), default public: several installs in one database. */
  pgSchema: string | undefined;
  /**
   * Secrets at rest (app/store/secrets.md): REFINERY_ENCRYPTION_KEYS, else the key file
   * REFINERY_SECRET_KEY_FILE (default `secret.key` next to the SQLite file); NODE_ENV=production
   * requires the keys.
   */
  secrets: SecretConfig;
  /** The Shopify app (app/server/shopify-app.ts); null without SHOPIFY_API_KEY and SHOPIFY_API_SECRET. */
  shopifyApp: ShopifyAppConfig | null;
  /** The HubSpot public app for OAuth connections; null without HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET. */
  hubspotApp: HubSpotAppConfig | null;
}

export interface ShopifyAppConfig {
  /** SHOPIFY_API_KEY: the app's client id. */
  apiKey: string;
  /** SHOPIFY_API_SECRET: the app's client secret. */
  apiSecret: string;
  /**
   * SHOPIFY_APP_URL: the app's public URL, e.g. https://segment-refinery.example.com; in development
   * without it http://localhost:<PORT or 3000>. NODE_ENV=production requires it (https). HOST is the
   * listen address (app/server/main.ts), never the app's URL.
   */
  appUrl: string;
  /** REFINERY_SHOPIFY_ADMIN_ORIGIN: the Shopify emulator's origin (tests, the demo); null for Shopify. */
  adminOrigin: string | null;
  /** REFINERY_APP_BRIDGE_URL: where the app's pages load App Bridge from; default Shopify's CDN. */
  appBridgeUrl: string;
}

export interface HubSpotAppConfig {
  clientId: string;
  clientSecret: string;
  /** HUBSPOT_AUTHORIZE_URL: default https://app.hubspot.com/oauth/authorize (the emulator's for tests). */
  authorizeUrl: string;
  /** HUBSPOT_BASE_PATH: API base without trailing slash; null for https://api.hubapi.com. */
  basePath: string | null;
  /** HUBSPOT_SCOPES: space separated; default the CRM contact and list scopes the sync uses. */
  scopes: string;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const SHOPIFY_APP_BRIDGE_CDN = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';
export const HUBSPOT_AUTHORIZE_URL = 'https://app.hubspot.com/oauth/authorize';
export const DEFAULT_HUBSPOT_SCOPES = 'crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.read crm.schemas.contacts.write crm.lists.read crm.lists.write';

/** The Shopify app's public URL (see ShopifyAppConfig.appUrl); RefineryError INPUT when it cannot be right. */
function shopifyAppUrl(env: NodeJS.ProcessEnv): string {
  const given = env.SHOPIFY_APP_URL?.trim();
  if (!given) {
    if (env.NODE_ENV === 'production') {
      throw new RefineryError('INPUT', 'SHOPIFY_APP_URL is required with NODE_ENV=production and SHOPIFY_API_KEY: set it to the app\'s public https URL (the App URL of the app\'s configuration), e.g. https://segment-refinery.example.com');
    }
    return `http://localhost:${env.PORT?.trim() || '3000'}`;
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new RefineryError('INPUT', `SHOPIFY_APP_URL ${JSON.stringify(given)} is not a URL: set it to the app's public URL, e.g. https://segment-refinery.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RefineryError('INPUT', `SHOPIFY_APP_URL ${JSON.stringify(given)} must be an http(s) URL`);
  if (env.NODE_ENV === 'production' && url.protocol !== 'https:') {
    throw new RefineryError('INPUT', `SHOPIFY_APP_URL ${JSON.stringify(given)} must be https with NODE_ENV=production (Shopify loads the app only over https)`);
  }
  return given.replace(/\/+$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const sqlitePath = resolve(env.REFINERY_SQLITE_PATH?.trim() || 'data/refinery.db');
  const apiKey = env.SHOPIFY_API_KEY?.trim();
  const apiSecret = env.SHOPIFY_API_SECRET?.trim();
  const hubspotId = env.HUBSPOT_CLIENT_ID?.trim();
  const hubspotSecret = env.HUBSPOT_CLIENT_SECRET?.trim();
  // Checked whenever the key is set, so that a production server missing its URL fails at start.
  const appUrl = apiKey ? shopifyAppUrl(env) : null;
  return {
    databaseUrl: env.DATABASE_URL?.trim() || null,
    sqlitePath,
    defaultShop: env.REFINERY_SHOP?.trim() || null,
    redisUrl: env.REDIS_URL?.trim() || DEFAULT_REDIS_URL,
    pgSchema: env.REFINERY_PG_SCHEMA?.trim() || undefined,
    secrets: {
      keys: env.REFINERY_ENCRYPTION_KEYS?.trim() || null,
      keyFile: resolve(env.REFINERY_SECRET_KEY_FILE?.trim() || join(dirname(sqlitePath), 'secret.key')),
      production: env.NODE_ENV === 'production',
    },
    shopifyApp: apiKey && apiSecret && appUrl
      ? {
          apiKey,
          apiSecret,
          appUrl,
          adminOrigin: env.REFINERY_SHOPIFY_ADMIN_ORIGIN?.trim() || null,
          appBridgeUrl: env.REFINERY_APP_BRIDGE_URL?.trim() || SHOPIFY_APP_BRIDGE_CDN,
        }
      : null,
    hubspotApp: hubspotId && hubspotSecret
      ? {
          clientId: hubspotId,
          clientSecret: hubspotSecret,
          authorizeUrl: env.HUBSPOT_AUTHORIZE_URL?.trim() || HUBSPOT_AUTHORIZE_URL,
          basePath: env.HUBSPOT_BASE_PATH?.trim().replace(/\/+$/, '') || null,
          scopes: env.HUBSPOT_SCOPES?.trim() || DEFAULT_HUBSPOT_SCOPES,
        }
      : null,
  };
}
