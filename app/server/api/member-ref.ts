// What the admin API shows in place of a person id: person ids name people (`email:<address>`,
// `shopify:<gid>`), and the API shows emails masked only. A member reference is an opaque token,
// stable for the shop (the same person, the same reference, across requests and pages): the first
// 96 bits of an HMAC-SHA256 of the person id keyed with the shop's random privacy salt
// (privacy_salts), domain-separated from the suppression digests made with the same salt. It cannot
// be turned back into the person id without the salt, which never leaves the store.
import { createHmac } from 'node:crypto';
import type { ApiServices } from './api-route.ts';

export type MemberRef = (personId: string) => string;

export function memberRefWith(salt: string): MemberRef {
  return (personId) => `m_${createHmac('sha256', salt).update(`member-ref\u0000${personId}`, 'utf8').digest('base64url').slice(0, 16)}`;
}

/** The shop's member references (its privacy salt is created on first use). */
export async function memberRefs(services: ApiServices, shopId: string): Promise<MemberRef> {
  return memberRefWith(await services.store.privacySalt(shopId, services.now().toISOString()));
}
