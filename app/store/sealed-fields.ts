// Which stored fields are secrets, and sealing / opening / re-sealing them with a SecretBox. Both
// backends call these around their settings and session rows, so that the database only ever holds
// sealed tokens (app/store/secrets.md).
import type { SecretBox } from './secret-box.ts';
import type { ShopSettings, ShopifySessionRecord } from './store.ts';

type Transform = (text: string) => string;

function mapSettings(settings: ShopSettings, f: Transform): ShopSettings {
  const copy: ShopSettings = { ...settings };
  if (settings.shopify) copy.shopify = { ...settings.shopify, accessToken: f(settings.shopify.accessToken) };
  if (settings.hubspot) {
    const hubspot = { ...settings.hubspot, accessToken: f(settings.hubspot.accessToken) };
    if (typeof settings.hubspot.refreshToken === 'string') hubspot.refreshToken = f(settings.hubspot.refreshToken);
    copy.hubspot = hubspot;
  }
  return copy;
}

function mapSession(record: ShopifySessionRecord, f: Transform): ShopifySessionRecord {
  const copy: ShopifySessionRecord = { ...record };
  if (typeof record.accessToken === 'string') copy.accessToken = f(record.accessToken);
  if (typeof record.refreshToken === 'string') copy.refreshToken = f(record.refreshToken);
  return copy;
}

export const sealSettings = (settings: ShopSettings, box: SecretBox): ShopSettings => mapSettings(settings, (t) => box.seal(t));
export const openSettings = (settings: ShopSettings, box: SecretBox): ShopSettings => mapSettings(settings, (t) => box.open(t));
export const sealSession = (record: ShopifySessionRecord, box: SecretBox): ShopifySessionRecord => mapSession(record, (t) => box.seal(t));
export const openSession = (record: ShopifySessionRecord, box: SecretBox): ShopifySessionRecord => mapSession(record, (t) => box.open(t));

/** Re-seals with the current key every secret that is plain or sealed with an older key. */
function resealer(box: SecretBox): { f: Transform; changed: () => number } {
  let changed = 0;
  return {
    f: (text) => {
      if (box.isCurrent(text)) return text;
      changed++;
      return box.seal(box.open(text));
    },
    changed: () => changed,
  };
}

/** A stored settings value re-sealed; `changed` counts the secrets that were not sealed with the current key. */
export function resealSettings(stored: ShopSettings, box: SecretBox): { value: ShopSettings; changed: number } {
  const r = resealer(box);
  const value = mapSettings(stored, r.f);
  return { value, changed: r.changed() };
}

export function resealSession(stored: ShopifySessionRecord, box: SecretBox): { value: ShopifySessionRecord; changed: number } {
  const r = resealer(box);
  const value = mapSession(stored, r.f);
  return { value, changed: r.changed() };
}
