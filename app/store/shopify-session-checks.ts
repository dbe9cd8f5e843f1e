// Checks of a Shopify session record before it is stored, the same on both backends.
import { RefineryError } from '../../core/errors.ts';
import type { ShopifySessionRecord } from './store.ts';

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && !value.includes('\u0000');
const optionalMs = (value: unknown): boolean => value === undefined || (typeof value === 'number' && Number.isFinite(value));
const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';

export function checkShopifySession(session: ShopifySessionRecord): ShopifySessionRecord {
  if (typeof session !== 'object' || session === null) throw new RefineryError('VALIDATION', 'a Shopify session must be an object');
  if (!nonEmpty(session.id)) throw new RefineryError('VALIDATION', 'a Shopify session needs a non-empty id');
  if (!nonEmpty(session.shop)) throw new RefineryError('VALIDATION', `Shopify session ${session.id}: shop must be a non-empty string`);
  if (typeof session.state !== 'string' || typeof session.isOnline !== 'boolean') {
    throw new RefineryError('VALIDATION', `Shopify session ${session.id}: state must be a string and isOnline a boolean`);
  }
  if (!optionalMs(session.expires) || !optionalMs(session.refreshTokenExpires)) {
    throw new RefineryError('VALIDATION', `Shopify session ${session.id}: expires and refreshTokenExpires must be epoch milliseconds`);
  }
  if (!optionalString(session.scope) || !optionalString(session.accessToken) || !optionalString(session.refreshToken)) {
    throw new RefineryError('VALIDATION', `Shopify session ${session.id}: scope, accessToken and refreshToken must be strings`);
  }
  const info = session.onlineAccessInfo;
  if (info !== undefined && (typeof info !== 'object' || info === null || Array.isArray(info))) {
    throw new RefineryError('VALIDATION', `Shopify session ${session.id}: onlineAccessInfo must be an object`);
  }
  return session;
}

export function checkSessionIds(ids: readonly string[]): string[] {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) throw new RefineryError('INPUT', 'session ids must be an array of strings');
  return [...new Set(ids)];
}
