// Activates the app's web pixel (extensions/web-pixel) on a shop after the install: webPixelCreate
// with the settings the pixel needs to send its batches (where, for which shop, with which key);
// a shop that has the app's pixel already (a reinstall: Shopify answers TAKEN) gets its settings
// updated instead (webPixel without an id is the app's own), and nothing is written when they are
// equal. Called by the install hook (app/server/shopify-app.ts); a failure there is logged and does
// not fail the install (the next install or `activateWebPixel` again repairs it).
import { RefineryError } from '../../core/errors.ts';
import type { AdminClient } from '../../connectors/shopify/admin-client.ts';
import { WEB_PIXEL, WEB_PIXEL_CREATE, WEB_PIXEL_UPDATE } from '../../connectors/shopify/documents.ts';
import { pixelKey } from './pixel-key.ts';

/** Where the pixel sends its batches, under the app's URL. */
export const PIXEL_EVENTS_PATH = '/pixel/events';

/** The pixel's settings (the extension's settings definition has these fields, all text). */
export interface PixelSettings {
  endpoint: string;
  shop: string;
  shopKey: string;
}

export function pixelSettings(appUrl: string, appSecret: string, shop: string): PixelSettings {
  return { endpoint: `${appUrl.replace(/\/+$/, '')}${PIXEL_EVENTS_PATH}`, shop, shopKey: pixelKey(appSecret, shop) };
}

interface UserError {
  code: string | null;
  field: string[] | null;
  message: string;
}
interface WebPixel {
  id: string;
  settings: unknown;
}
interface Payload {
  userErrors: UserError[];
  webPixel: WebPixel | null;
}

export type PixelActivation = { action: 'created' | 'updated' | 'unchanged'; id: string };

/** The settings as Shopify answers them (the JSON scalar: a JSON text, or already an object). */
function settingsObject(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

function sameSettings(stored: unknown, wanted: PixelSettings): boolean {
  const parsed = settingsObject(stored);
  if (typeof parsed !== 'object' || parsed === null) return false;
  const entries = Object.entries(parsed as Record<string, unknown>);
  return entries.length === Object.keys(wanted).length && entries.every(([key, value]) => wanted[key as keyof PixelSettings] === value);
}

function refused(what: string, errors: readonly UserError[]): RefineryError {
  return new RefineryError('VALIDATION', `Shopify refused to ${what} the web pixel: ${errors.map((e) => `${e.code ?? 'ERROR'}: ${e.message}`).join('; ') || 'no pixel returned'}`);
}

export async function activateWebPixel(client: AdminClient, settings: PixelSettings): Promise<PixelActivation> {
  const input = { settings: JSON.stringify(settings) };
  const created = (await client.request<{ webPixelCreate: Payload | null }>('webPixelCreate', WEB_PIXEL_CREATE, { webPixel: input })).webPixelCreate;
  if (created?.webPixel && created.userErrors.length === 0) return { action: 'created', id: created.webPixel.id };
  if (!created?.userErrors.some((e) => e.code === 'TAKEN')) throw refused('create', created?.userErrors ?? []);
  const existing = (await client.request<{ webPixel: WebPixel | null }>('webPixel', WEB_PIXEL)).webPixel;
  if (!existing) throw new RefineryError('NOT_FOUND', 'Shopify says the web pixel exists but does not return it');
  if (sameSettings(existing.settings, settings)) return { action: 'unchanged', id: existing.id };
  const updated = (await client.request<{ webPixelUpdate: Payload | null }>('webPixelUpdate', WEB_PIXEL_UPDATE, { id: existing.id, webPixel: input })).webPixelUpdate;
  if (updated?.webPixel && updated.userErrors.length === 0) return { action: 'updated', id: updated.webPixel.id };
  throw refused('update', updated?.userErrors ?? []);
}
