// The real-time Shopify write of one person: their customers' segment tags diffed against what
// this app last wrote for those customers, then one request per customer that changes (removals
// and additions in one document, connectors/shopify/tag-push.ts changeCustomerTags), and one store
// write recording every confirmed change. The batch path (app/sync/push-shopify.ts) writes a whole
// shop, by direction, in bulk; this one writes a single person with as few round trips as it can.
import { capTagAdditions, diffMemberships } from '../../core/membership-diff.ts';
import type { Memberships } from '../../core/model.ts';
import { segmentTag } from '../../core/segment-tags.ts';
import type { AdminClient } from '../../connectors/shopify/admin-client.ts';
import { changeCustomerTags } from '../../connectors/shopify/tag-push.ts';
import type { ShopSettings, Store } from '../store/store.ts';
import type { PushResult } from '../sync/push-shopify.ts';
import type { PersonTarget } from './person-target.ts';

export async function writePersonToShopify(
  store: Store,
  client: AdminClient,
  settings: ShopSettings,
  target: PersonTarget,
  now: () => Date,
  /** Memberships whose tags the write confirmed added (Flow triggers). */
  onStarted?: (rows: ReadonlyArray<{ segmentKey: string; customerId: string }>) => void,
): Promise<PushResult> {
  const result: PushResult = { tagsAdded: 0, tagsRemoved: 0, segmentsCreated: 0, segmentsUpdated: 0, segmentsDeleted: 0, bulkMutations: 0, stagedUploads: 0, errors: [] };
  const ids = target.person.shopifyCustomerIds;
  if (ids.length === 0) return result;
  const desired: Memberships = new Map(target.treated.map((key) => [key, new Set(ids)]));
  const diff = diffMemberships(desired, await store.getWrittenMemberships(target.shopId, 'shopify', ids));
  if (diff.changes.length === 0) return result;
  const tag = (key: string) => segmentTag(settings.tagPrefix, key);

  const added: Array<{ segmentKey: string; customerId: string }> = [];
  const removed: Array<{ segmentKey: string; customerId: string }> = [];
  try {
    for (const change of diff.changes) {
      const capped = capTagAdditions(change, target.tagCounts[change.customerId] ?? 0);
      if (capped.skipped.length > 0) {
        result.errors.push({ code: 'TAG_LIMIT', message: `${change.customerId} has too many tags; not added: ${capped.skipped.map(tag).join(', ')}` });
      }
      const outcome = await changeCustomerTags(client, change.customerId, { remove: change.remove.map(tag), add: capped.add.map(tag) });
      if (outcome.removeFailure === null) for (const segmentKey of change.remove) removed.push({ segmentKey, customerId: change.customerId });
      else result.errors.push({ code: 'TAG_WRITE', message: `${change.customerId} remove ${change.remove.map(tag).join(', ')}: ${outcome.removeFailure}` });
      if (outcome.addFailure === null) for (const segmentKey of capped.add) added.push({ segmentKey, customerId: change.customerId });
      else result.errors.push({ code: 'TAG_WRITE', message: `${change.customerId} add ${capped.add.map(tag).join(', ')}: ${outcome.addFailure}` });
    }
  } finally {
    // What Shopify confirmed is recorded even when a later customer's request failed, so that a
    // retry re-sends only what was not confirmed.
    if (added.length + removed.length > 0) {
      await store.recordMembershipWrite(target.shopId, { platform: 'shopify', added, removed, at: now().toISOString() });
      result.tagsAdded = added.length;
      result.tagsRemoved = removed.length;
      if (added.length > 0) onStarted?.(added);
    }
  }
  return result;
}
