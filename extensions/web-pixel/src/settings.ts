// The pixel's settings as the app set them with webPixelCreate (see shopify.extension.toml).
// Anything unusable leaves the pixel inert rather than sending to an unexpected place.
import { LIMITS } from './wire.ts';

export interface PixelSettings {
  endpoint: string;
  shop: string;
  key: string;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An https URL, or http on a loopback host (local development and tests). */
export function validEndpoint(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > LIMITS.maxUrlChars) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return url.href;
  return null;
}

export function parseSettings(raw: unknown): PixelSettings | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const settings = raw as Record<string, unknown>;
  const endpoint = validEndpoint(settings.endpoint);
  const shop = typeof settings.shop === 'string' ? settings.shop.trim().toLowerCase() : '';
  const key = settings.shopKey;
  if (!endpoint || shop.length > 255 || !SHOP_DOMAIN.test(shop) || typeof key !== 'string' || key.length === 0 || key.length > LIMITS.maxKeyChars) return null;
  return { endpoint, shop, key };
}
