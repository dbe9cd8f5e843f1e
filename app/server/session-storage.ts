// The Shopify app library's SessionStorage on our store: sessions live in the shopify_sessions table
// (store migration 5) with their access and refresh tokens sealed (app/store/secret-box.ts). Every
// field of the SDK's Session is kept: online access info as given, expiry dates, refresh token.
import { Session } from '@shopify/shopify-api';
import type { SessionStorage } from '@shopify/shopify-app-session-storage';
import type { ShopifySessionRecord, Store } from '../store/store.ts';

export function sessionToRecord(session: Session): ShopifySessionRecord {
  const record: ShopifySessionRecord = { id: session.id, shop: session.shop, state: session.state, isOnline: session.isOnline };
  if (session.scope !== undefined) record.scope = session.scope;
  if (session.expires) record.expires = session.expires.getTime();
  if (session.accessToken !== undefined) record.accessToken = session.accessToken;
  if (session.refreshToken !== undefined) record.refreshToken = session.refreshToken;
  if (session.refreshTokenExpires) record.refreshTokenExpires = session.refreshTokenExpires.getTime();
  if (session.onlineAccessInfo) record.onlineAccessInfo = JSON.parse(JSON.stringify(session.onlineAccessInfo)) as Record<string, unknown>;
  return record;
}

export function sessionFromRecord(record: ShopifySessionRecord): Session {
  const { expires, refreshTokenExpires, onlineAccessInfo, ...rest } = record;
  return new Session({
    ...rest,
    ...(expires !== undefined ? { expires: new Date(expires) } : {}),
    ...(refreshTokenExpires !== undefined ? { refreshTokenExpires: new Date(refreshTokenExpires) } : {}),
    ...(onlineAccessInfo !== undefined ? { onlineAccessInfo: onlineAccessInfo as unknown as Session['onlineAccessInfo'] } : {}),
  });
}

export class StoreSessionStorage implements SessionStorage {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async storeSession(session: Session): Promise<boolean> {
    await this.#store.storeShopifySession(sessionToRecord(session));
    return true;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const record = await this.#store.loadShopifySession(id);
    return record ? sessionFromRecord(record) : undefined;
  }

  async deleteSession(id: string): Promise<boolean> {
    await this.#store.deleteShopifySessions([id]);
    return true;
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    await this.#store.deleteShopifySessions(ids);
    return true;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.#store.findShopifySessionsByShop(shop)).map(sessionFromRecord);
  }
}

export function createSessionStorage(store: Store): StoreSessionStorage {
  return new StoreSessionStorage(store);
}
