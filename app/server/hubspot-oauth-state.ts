// The state of a HubSpot OAuth connection: which shop started it, until when it holds, signed with
// the public app's secret, and used once (hubspot-connect.ts completes it; the callback page only
// checks it).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const STATE_TTL_MS = 10 * 60_000;

export interface OAuthStateDetails {
  shopId: string;
  /** Random per state: what makes a state single-use. */
  nonce: string;
  /** When the state stops being accepted (ms since the epoch). */
  expiresAt: number;
}

export function signOAuthState(shopId: string, secret: string, now: Date): string {
  const body = `${Buffer.from(shopId).toString('base64url')}.${now.getTime() + STATE_TTL_MS}.${randomBytes(9).toString('base64url')}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** What a state says (shop, nonce, expiry), or null (forged, damaged or expired). */
export function readOAuthState(state: string, secret: string, now: Date): OAuthStateDetails | null {
  const parts = state.split('.');
  if (parts.length !== 4) return null;
  const body = parts.slice(0, 3).join('.');
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(parts[3] ?? '', 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const expiresAt = Number(parts[1]);
  if (!Number.isFinite(expiresAt) || expiresAt < now.getTime()) return null;
  return { shopId: Buffer.from(parts[0] ?? '', 'base64url').toString('utf8'), nonce: parts[2] ?? '', expiresAt };
}

/** The shop a state was made for, or null (forged, damaged or expired). */
export function verifyOAuthState(state: string, secret: string, now: Date): string | null {
  return readOAuthState(state, secret, now)?.shopId ?? null;
}

/** The nonces of states already used to complete a connection, until their states expire. */
export class UsedOAuthStates {
  readonly #used = new Map<string, number>();
  /** True the first time a nonce is taken (and remembered until expiresAt), false after. */
  take(nonce: string, expiresAt: number, now: Date): boolean {
    for (const [key, until] of this.#used) if (until < now.getTime()) this.#used.delete(key);
    if (this.#used.has(nonce)) return false;
    this.#used.set(nonce, expiresAt);
    return true;
  }
  get size(): number {
    return this.#used.size;
  }
}

/** The message the callback page posts to the app window that opened it. */
export const OAUTH_MESSAGE_TYPE = 'refinery:hubspot-oauth';
/** The app window's answer to that message: without it, the page shows the connection code. */
export const OAUTH_ACK_TYPE = 'refinery:hubspot-oauth-received';
/** How long the callback page waits for OAUTH_ACK_TYPE before it shows the connection code. */
