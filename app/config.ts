// Configuration from the environment, read once at the edge and passed down.
import { dirname, join, resolve } from 'node:path';
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
  /** SHOPIFY_APP_URL (or HOST): the app's public URL, e.g. https://segment-refinery.example.com. */
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const sqlitePath = resolve(env.REFINERY_SQLITE_PATH?.trim() || 'data/refinery.db');
  const apiKey = env.SHOPIFY_API_KEY?.trim();
  const apiSecret = env.SHOPIFY_API_SECRET?.trim();
  const hubspotId = env.HUBSPOT_CLIENT_ID?.trim();
  const hubspotSecret = env.HUBSPOT_CLIENT_SECRET?.trim();
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
    shopifyApp: apiKey && apiSecret
      ? {
          apiKey,
          apiSecret,
          appUrl: (env.SHOPIFY_APP_URL?.trim() || env.HOST?.trim() || 'http://127.0.0.1:3000').replace(/\/+$/, ''),
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
