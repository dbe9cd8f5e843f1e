// The real-time Shopify write of one person: their customers' segment tags diffed against what
// this app last wrote for those customers, then one request per customer that changes (removals
// and additions in one document, connectors/shopify/tag-push.ts changeCustomerTags), and one store
// write recording every confirmed change. The batch path (app/sync/push-shopify.ts) writes a whole
// shop, by direction, in bulk; this one writes a single person with as few round trips as it can.
import { capTagAdditions, diffMemberships } from '../../core/membership-diff.ts';
import { segmentTag } from '../../core/segment-tags.ts';
import type { AdminClient } from '../../connectors/shopify/admin-client.ts';
import { changeCustomerTags } from '../../connectors/shopify/tag-push.ts';
import type { ShopSettings, Store } from '../store/store.ts';
import { emptyPushResult, tagErrors, type PushResult } from '../sync/push-shopify.ts';
import { membershipsOf, type PersonTarget } from './person-target.ts';

export async function writePersonToShopify(
  store: Store,
  client: AdminClient,
  settings: ShopSettings,
  target: PersonTarget,
  now: () => Date,
  /** Memberships whose tags the write confirmed added (Flow triggers). */
  onStarted?: (rows: ReadonlyArray<{ segmentKey: string; customerId: string }>) => void,
): Promise<PushResult> {
  const result = emptyPushResult();
  const ids = target.person.shopifyCustomerIds;
  if (ids.length === 0) return result;
  const diff = diffMemberships(membershipsOf(target.treated, ids), await store.getWrittenMemberships(target.shopId, 'shopify', ids));
  if (diff.changes.length === 0) return result;
  const tag = (key: string) => segmentTag(settings.tagPrefix, key);

  const added: Array<{ segmentKey: string; customerId: string }> = [];
  const removed: Array<{ segmentKey: string; customerId: string }> = [];
  try {
    for (const change of diff.changes) {
      const capped = capTagAdditions(change, target.tagCounts[change.customerId] ?? 0);
      if (capped.skipped.length > 0) result.errors.push(tagErrors.limit(change.customerId, capped.skipped.map(tag)));
      const outcome = await changeCustomerTags(client, change.customerId, { remove: change.remove.map(tag), add: capped.add.map(tag) });
      if (outcome.removeFailure === null) for (const segmentKey of change.remove) removed.push({ segmentKey, customerId: change.customerId });
      else result.errors.push(tagErrors.write(change.customerId, 'remove', change.remove.map(tag), outcome.removeFailure));
      if (outcome.addFailure === null) for (const segmentKey of capped.add) added.push({ segmentKey, customerId: change.customerId });
      else result.errors.push(tagErrors.write(change.customerId, 'add', capped.add.map(tag), outcome.addFailure));
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
