// HubSpot webhook deliveries for one shop: verify the v3 signature on the raw body, parse the
// events, and act on what must happen at once. A privacy deletion (and a plain deletion) removes
// the contact and what this app recorded writing about it from the store. Other contact events are
// acknowledged and returned as canonical events; re-scoring them in real time comes with the job
// queues. Expected failures are values: a bad delivery never throws.
import { verifyHubSpotSignatureV3, HUBSPOT_SIGNATURE_V3_HEADER, HUBSPOT_TIMESTAMP_HEADER } from '../../connectors/hubspot/webhook-signature.ts';
import { parseHubSpotWebhookBody, type HubSpotContactEvent } from '../../connectors/hubspot/webhook-events.ts';
import type { Store } from '../store/store.ts';

export interface HubSpotDelivery {
  method: string;
  /** The full URL HubSpot called. */
  uri: string;
  rawBody: string | Uint8Array;
  headers: Record<string, string | undefined>;
}

export type HubSpotWebhookOutcome =
  | { accepted: false; status: 401 | 400; reason: string }
  | {
      accepted: true;
      events: HubSpotContactEvent[];
      /** Entries skipped with their reason (unknown types, malformed entries, repeats). */
      rejected: Array<{ index: number; reason: string }>;
      deletedContacts: string[];
    };

export async function handleHubSpotWebhook(
  store: Store,
  shopId: string,
  delivery: HubSpotDelivery,
  options: { clientSecret: string; now: Date },
): Promise<HubSpotWebhookOutcome> {
  const header = (name: string) => delivery.headers[name] ?? delivery.headers[name.toLowerCase()];
  const check = verifyHubSpotSignatureV3({
    method: delivery.method,
    uri: delivery.uri,
    rawBody: delivery.rawBody,
    signature: header(HUBSPOT_SIGNATURE_V3_HEADER),
    timestamp: header(HUBSPOT_TIMESTAMP_HEADER),
    clientSecret: options.clientSecret,
    now: options.now,
  });
  if (!check.valid) return { accepted: false, status: 401, reason: check.reason };
  const parsed = parseHubSpotWebhookBody(delivery.rawBody);
  if (!parsed.ok) return { accepted: false, status: 400, reason: parsed.reason };
  const deletedContacts: string[] = [];
  for (const event of parsed.events) {
    if (event.kind === 'contact.privacyDeleted' || event.kind === 'contact.deleted') {
      await store.deleteContact(shopId, event.contactId);
      deletedContacts.push(event.contactId);
    }
  }
  return { accepted: true, events: parsed.events, rejected: parsed.rejected, deletedContacts };
}
