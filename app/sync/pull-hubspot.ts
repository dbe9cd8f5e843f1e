// Pull stage for HubSpot: contact pages saved with their checkpoint, page by page.
import { contactsStream } from '../../connectors/hubspot/contacts-stream.ts';
import { parseContactCheckpoint } from '../../connectors/hubspot/contact-checkpoint.ts';
import type { HubSpotClient } from '../../connectors/hubspot/hubspot-client.ts';
import { loadSuppression } from '../privacy/suppression.ts';
import type { Store } from '../store/store.ts';

export interface HubSpotPullResult {
  contacts: number;
  mode: 'full' | 'incremental';
  skipped: Array<{ id: string; reason: string }>;
}

export async function pullHubSpot(
  store: Store,
  shopId: string,
  client: HubSpotClient,
  options: { full: boolean; progress: (stage: string, message: string) => void },
): Promise<HubSpotPullResult> {
  const previous = await store.getCheckpoint(shopId, contactsStream.name);
  const parsed = parseContactCheckpoint(previous);
  const mode = options.full || parsed === null || parsed.mode === 'full' ? 'full' : 'incremental';
  const skipped: HubSpotPullResult['skipped'] = [];
  let contacts = 0;
  const pages = contactsStream.pull(
    { client, full: options.full, onSkip: (id, reason) => skipped.push({ id, reason }), onProgress: (s, e) => options.progress(s, e) },
    previous,
  );
  // Contacts of customers redacted earlier (customers/redact) are not stored again.
  const suppression = await loadSuppression(store, shopId);
  for await (const page of pages) {
    const kept = suppression.filterPage({ contacts: page.records });
    await store.savePage(shopId, { ...kept.page, checkpoint: { stream: contactsStream.name, value: page.checkpoint } });
    for (const c of page.records) if (suppression.contact(c)) skipped.push({ id: c.id, reason: 'suppressed: the customer was redacted' });
    contacts += page.records.length - kept.dropped;
  }
  return { contacts, mode, skipped };
}
