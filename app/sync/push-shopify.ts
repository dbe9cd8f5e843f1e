// Push stage: write only the difference between what the segments say now and what this app
// last wrote. Removals go first (they free tag slots), then additions; every confirmed batch is
// recorded at once, so a run cut short re-sends only what was not confirmed.
import { capTagAdditions, diffMemberships } from '../../core/membership-diff.ts';
import type { Memberships, SegmentDefinition } from '../../core/model.ts';
import { segmentName, segmentQueryForTag, segmentTag, segmentKeyOfTag } from '../../core/segment-tags.ts';
import type { AdminClient } from '../../connectors/shopify/admin-client.ts';
import { RefineryError } from '../../core/errors.ts';
import { RULE_KEY_PREFIX } from '../../core/segments/segment-definitions.ts';
import { deleteSegment, pushSegments } from '../../connectors/shopify/segment-push.ts';
import { pushTags, type TagChange, type TagDirection } from '../../connectors/shopify/tag-push.ts';
import type { Store } from '../store/store.ts';

export interface PushResult {
  tagsAdded: number;
  tagsRemoved: number;
  segmentsCreated: number;
  segmentsUpdated: number;
  segmentsDeleted: number;
  bulkMutations: number;
  stagedUploads: number;
  errors: Array<{ code: string; message: string }>;
}

export interface PushOptions {
  tagPrefix: string;
  bulkThreshold: number;
  pollIntervalMs?: number;
  runLabel: string;
  now: () => Date;
  progress: (stage: string, message: string) => void;
  /**
   * Only these customers (one person, in real time): their memberships are diffed and written,
   * nobody else's, and native segments are left to the batch run.
   */
  scope?: readonly string[];
  /**
   * Called with each batch of memberships whose tag Shopify confirmed added, as soon as it is
   * recorded (so a push that fails later still reports what it started): Flow triggers.
   */
  onStarted?: (rows: ReadonlyArray<{ segmentKey: string; customerId: string }>) => void;
}

/** A push result with nothing written yet. */
export function emptyPushResult(): PushResult {
  return { tagsAdded: 0, tagsRemoved: 0, segmentsCreated: 0, segmentsUpdated: 0, segmentsDeleted: 0, bulkMutations: 0, stagedUploads: 0, errors: [] };
}

/** The errors a tag write reports: additions past Shopify's 250-tag limit, and a refused direction. */
export const tagErrors = {
  limit: (customerId: string, tags: readonly string[]) => ({ code: 'TAG_LIMIT', message: `${customerId} has too many tags; not added: ${tags.join(', ')}` }),
  write: (customerId: string, direction: TagDirection, tags: readonly string[], reason: string) => ({ code: 'TAG_WRITE', message: `${customerId} ${direction} ${tags.join(', ')}: ${reason}` }),
};

export async function pushShopify(
  store: Store,
  shopId: string,
  client: AdminClient,
  desired: Memberships,
  tagCounts: Map<string, number>,
  definitions: readonly SegmentDefinition[],
  options: PushOptions,
): Promise<PushResult> {
  const result = emptyPushResult();
  const written = await store.getWrittenMemberships(shopId, 'shopify', options.scope);
  const diff = diffMemberships(desired, written);
  const tag = (key: string) => segmentTag(options.tagPrefix, key);

  const removals: TagChange[] = [];
  const additions: TagChange[] = [];
  for (const change of diff.changes) {
    if (change.remove.length > 0) removals.push({ customerId: change.customerId, tags: change.remove.map(tag) });
    const capped = capTagAdditions(change, tagCounts.get(change.customerId) ?? 0);
    if (capped.add.length > 0) additions.push({ customerId: change.customerId, tags: capped.add.map(tag) });
    if (capped.skipped.length > 0) result.errors.push(tagErrors.limit(change.customerId, capped.skipped.map(tag)));
  }

  const record = async (direction: TagDirection, changes: TagChange[]) => {
    const rows = changes.flatMap((c) => c.tags.map((t) => ({ segmentKey: segmentKeyOfTag(t, options.tagPrefix) ?? t, customerId: c.customerId })));
    await store.recordMembershipWrite(shopId, {
      platform: 'shopify',
      added: direction === 'add' ? rows : [],
      removed: direction === 'remove' ? rows : [],
      at: options.now().toISOString(),
    });
    if (direction === 'add') result.tagsAdded += rows.length;
    if (direction === 'add' && rows.length > 0) options.onStarted?.(rows);
    else result.tagsRemoved += rows.length;
    options.progress('shopify.tags', `${result.tagsRemoved} removed, ${result.tagsAdded} added`);
  };

  for (const [direction, changes] of [['remove', removals], ['add', additions]] as const) {
    const pushed = await pushTags(client, direction, changes, {
      bulkThreshold: options.bulkThreshold,
      pollIntervalMs: options.pollIntervalMs,
      runLabel: options.runLabel,
      onConfirmed: record,
    });
    result.bulkMutations += pushed.calls.bulkMutations;
    result.stagedUploads += pushed.calls.stagedUploads;
    for (const f of pushed.failed) result.errors.push(tagErrors.write(f.customerId, direction, f.tags, f.message));
  }

  if (options.scope) return result;

  const segments = await pushSegments(
    client,
    definitions.map((d) => ({ key: d.key, name: segmentName(d), query: segmentQueryForTag(tag(d.key)) })),
    (await store.getRemoteSegments(shopId, 'shopify')).map((s) => ({ segmentKey: s.segmentKey, remoteId: s.remoteId, name: s.name, query: s.query })),
    (saved) => store.saveRemoteSegment(shopId, { platform: 'shopify', ...saved, updatedAt: options.now().toISOString() }),
  );
  result.segmentsCreated = segments.created;
  result.segmentsUpdated = segments.updated;
  for (const f of segments.failed) result.errors.push({ code: 'SEGMENT_WRITE', message: `${f.key}: ${f.message}` });

  // The native segment of a removed rule goes once its last tag is gone. What is still tagged is
  // read only when there is such a segment: at 100k customers it is some 400,000 memberships.
  const defined = new Set(definitions.map((d) => d.key));
  const removedRules = (await store.getRemoteSegments(shopId, 'shopify')).filter((r) => !defined.has(r.segmentKey) && r.segmentKey.startsWith(RULE_KEY_PREFIX));
  const stillTagged = removedRules.length > 0 ? await store.getWrittenMemberships(shopId, 'shopify') : new Map<string, Set<string>>();
  for (const remote of removedRules) {
    if ((stillTagged.get(remote.segmentKey)?.size ?? 0) > 0) continue;
    try {
      await deleteSegment(client, remote.remoteId);
      await store.deleteRemoteSegment(shopId, 'shopify', remote.segmentKey);
      result.segmentsDeleted++;
    } catch (error) {
      if (!(error instanceof RefineryError) || error.retriable) throw error;
      result.errors.push({ code: 'SEGMENT_WRITE', message: `${remote.segmentKey}: ${error.message}` });
    }
  }
  return result;
}
