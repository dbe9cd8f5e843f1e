// Contact property values out, by batch upsert on email (batch update by email is refused by
// HubSpot), 100 contacts per request. Upsert also creates the contacts that do not exist yet:
// the caller decides who may be created. Each confirmed batch is reported as it completes.
import { RefineryError, describeError } from '../../core/errors.ts';
import type { HubSpotClient } from './hubspot-client.ts';
import { HUBSPOT_LIMITS } from './platform.ts';

export interface PropertyChange {
  email: string;
  values: Record<string, string>;
}

export interface PropertyPushResult {
  upserted: number;
  created: number;
  requests: number;
  failed: Array<{ email: string; message: string }>;
}

export async function pushProperties(
  client: HubSpotClient,
  changes: PropertyChange[],
  onConfirmed: (writes: Array<{ email: string; contactId: string; created: boolean; values: Record<string, string> }>) => Promise<void>,
): Promise<PropertyPushResult> {
  const result: PropertyPushResult = { upserted: 0, created: 0, requests: 0, failed: [] };
  for (let i = 0; i < changes.length; i += HUBSPOT_LIMITS.batchSize) {
    const batch = changes.slice(i, i + HUBSPOT_LIMITS.batchSize);
    result.requests++;
    let response;
    try {
      response = await client.call('contacts batch upsert', (sdk) =>
        sdk.crm.contacts.batchApi.upsert({ inputs: batch.map((c) => ({ idProperty: 'email', id: c.email, properties: c.values })) }),
      );
    } catch (error) {
      // Retriable failures were already retried by the client: give up the run. A batch HubSpot
      // refuses as a whole (bad value, missing property) fails alone and the rest go on.
      if (!(error instanceof RefineryError) || error.retriable) throw error;
      for (const c of batch) result.failed.push({ email: c.email, message: describeError(error) });
      continue;
    }
    const byEmail = new Map(batch.map((c) => [c.email, c]));
    const confirmed: Array<{ email: string; contactId: string; created: boolean; values: Record<string, string> }> = [];
    for (const r of response.results) {
      const email = (r.properties.email ?? '').trim().toLowerCase();
      const change = byEmail.get(email);
      if (!change) continue;
      byEmail.delete(email);
      const created = (r as { _new?: boolean; new?: boolean })._new ?? (r as { new?: boolean }).new ?? false;
      confirmed.push({ email, contactId: r.id, created, values: change.values });
      if (created) result.created++;
    }
    for (const email of byEmail.keys()) result.failed.push({ email, message: 'HubSpot returned no result for this contact' });
    result.upserted += confirmed.length;
    if (confirmed.length > 0) await onConfirmed(confirmed);
  }
  return result;
}
