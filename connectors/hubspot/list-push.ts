// One MANUAL contact list per refined segment, created once (found by name if a crash lost its
// id), and membership differences written with add-and-remove in chunks. Record ids HubSpot
// reports missing are not recorded as written.
import { RefineryError } from '../../core/errors.ts';
import type { HubSpotClient } from './hubspot-client.ts';
import { HUBSPOT_LIMITS } from './platform.ts';

export interface DesiredList {
  key: string;
  name: string;
}

export interface KnownList {
  segmentKey: string;
  listId: string;
  name: string;
}

export async function ensureLists(
  client: HubSpotClient,
  desired: DesiredList[],
  known: KnownList[],
  onSaved: (list: KnownList) => Promise<void>,
): Promise<{ created: number; adopted: number; lists: Map<string, string>; failed: Array<{ key: string; message: string }> }> {
  const byKey = new Map(known.map((k) => [k.segmentKey, k]));
  const lists = new Map<string, string>();
  const out = { created: 0, adopted: 0, lists, failed: [] as Array<{ key: string; message: string }> };
  for (const want of desired) {
    const have = byKey.get(want.key);
    if (have && have.name === want.name) {
      lists.set(want.key, have.listId);
      continue;
    }
    try {
      const created = await client.call(`list "${want.name}" create`, (sdk) =>
        sdk.crm.lists.listsApi.create({ name: want.name, objectTypeId: HUBSPOT_LIMITS.contactObjectTypeId, processingType: 'MANUAL' }),
      );
      out.created++;
      lists.set(want.key, created.list.listId);
      await onSaved({ segmentKey: want.key, listId: created.list.listId, name: want.name });
    } catch (error) {
      if (!(error instanceof RefineryError) || (error.code !== 'CONFLICT' && error.code !== 'VALIDATION')) throw error;
      // The name is taken: adopt the list if it is a MANUAL contact list (ours, from a run that lost its id).
      let found;
      try {
        found = await client.call(`list "${want.name}" read`, (sdk) => sdk.crm.lists.listsApi.getByName(want.name, HUBSPOT_LIMITS.contactObjectTypeId));
      } catch {
        out.failed.push({ key: want.key, message: error.message });
        continue;
      }
      if (found.list.processingType !== 'MANUAL') {
        out.failed.push({ key: want.key, message: `a ${found.list.processingType} list named "${want.name}" already exists in HubSpot; rename it` });
        continue;
      }
      out.adopted++;
      lists.set(want.key, found.list.listId);
      await onSaved({ segmentKey: want.key, listId: found.list.listId, name: want.name });
    }
  }
  return out;
}

export interface MembershipPushResult {
  added: string[];
  removed: string[];
  missing: string[];
  requests: number;
}

export async function pushMemberships(client: HubSpotClient, listId: string, add: string[], remove: string[]): Promise<MembershipPushResult> {
  const result: MembershipPushResult = { added: [], removed: [], missing: [], requests: 0 };
  const chunk = HUBSPOT_LIMITS.membershipChunk;
  for (let a = 0, r = 0; a < add.length || r < remove.length; a += chunk, r += chunk) {
    const recordIdsToAdd = add.slice(a, a + chunk);
    const recordIdsToRemove = remove.slice(r, r + chunk);
    result.requests++;
    const response = await client.call(`list ${listId} memberships`, (sdk) => sdk.crm.lists.membershipsApi.addAndRemove(listId, { recordIdsToAdd, recordIdsToRemove }));
    const missing = new Set(response.recordIdsMissing ?? []);
    result.missing.push(...missing);
    // Ids neither reported added nor missing were already in (or out of) the list: that is the state we want.
    result.added.push(...recordIdsToAdd.filter((id) => !missing.has(id)));
    result.removed.push(...recordIdsToRemove.filter((id) => !missing.has(id)));
  }
  return result;
}

/** Deletes a list this app created; one already gone counts as deleted. */
export async function deleteList(client: HubSpotClient, listId: string): Promise<void> {
  try {
    await client.call(`list ${listId} delete`, (sdk) => sdk.crm.lists.listsApi.remove(listId));
  } catch (error) {
    if (error instanceof RefineryError && error.code === 'NOT_FOUND') return;
    throw error;
  }
}
