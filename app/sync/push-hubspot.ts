// Push stage for HubSpot: properties and list memberships per person, only what differs from what
// was last written. Contacts are created (through the upsert) only for people the identity rules
// allow: a Shopify customer with marketing consent, when the admin turned creation on.
import { contactsToCreate, type Person } from '../../core/identity.ts';
import type { Memberships, SegmentDefinition } from '../../core/model.ts';
import { RFM_SEGMENTS } from '../../core/rfm.ts';
import type { PersonScores } from '../../core/segments/person-scores.ts';
import { segmentName } from '../../core/segment-tags.ts';
import type { HubSpotClient } from '../../connectors/hubspot/hubspot-client.ts';
import { deleteList, ensureLists, pushMemberships } from '../../connectors/hubspot/list-push.ts';
import { RULE_KEY_PREFIX } from '../../core/segments/segment-definitions.ts';
import { REFINERY_PROPERTIES } from '../../connectors/hubspot/platform.ts';
import { pushProperties, type PropertyChange } from '../../connectors/hubspot/property-push.ts';
import { ensureRefinerySchema, refineryProperties } from '../../connectors/hubspot/schema-setup.ts';
import type { Store } from '../store/store.ts';
import type { HubSpotWriteCounts } from './sync-types.ts';

export interface HubSpotPushResult extends HubSpotWriteCounts {
  errors: Array<{ code: string; message: string }>;
}

export interface HubSpotPushInput {
  people: readonly Person[];
  /** Segment key -> person ids to write (holdouts already left out). */
  memberships: Memberships;
  /** Person id -> RFM segment key. */
  rfmGroupOf: ReadonlyMap<string, string>;
  /** Person id -> cluster, predictions and CLV. */
  scores: ReadonlyMap<string, PersonScores>;
  definitions: readonly SegmentDefinition[];
  allowCreate: boolean;
  /**
   * Real time, one person: only these people's contacts are written, with the property schema
   * and lists the batch run set up (none created here; a list that does not exist yet waits for
   * the next batch run).
   */
  scoped?: boolean;
}

/** A number as HubSpot stores it: plain decimal text; '' (no value) for null or anything not finite. */
export function numberValue(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}

/** The property values a person should carry in HubSpot. */
export function desiredValues(segmentKeys: string[], rfmKey: string | undefined, scores: PersonScores | undefined): Record<string, string> {
  return {
    [REFINERY_PROPERTIES.segments]: [...segmentKeys].sort().join(';'),
    [REFINERY_PROPERTIES.rfmGroup]: rfmKey ?? '',
    [REFINERY_PROPERTIES.cluster]: scores?.cluster ?? '',
    [REFINERY_PROPERTIES.purchasePropensity]: numberValue(scores?.purchasePropensity),
    [REFINERY_PROPERTIES.churnRisk]: numberValue(scores?.churnRisk),
    [REFINERY_PROPERTIES.predictedClv]: numberValue(scores?.predictedClv),
  };
}

function sameValues(want: Record<string, string>, have: Record<string, string> | undefined): boolean {
  if (!have) return false;
  return Object.entries(want).every(([k, v]) => (have[k] ?? '') === v);
}

export async function pushHubSpot(
  store: Store,
  shopId: string,
  client: HubSpotClient,
  input: HubSpotPushInput,
  options: { now: () => Date; progress: (stage: string, message: string) => void },
): Promise<HubSpotPushResult> {
  const result: HubSpotPushResult = { contactsUpserted: 0, contactsCreated: 0, listsCreated: 0, listsDeleted: 0, membershipsAdded: 0, membershipsRemoved: 0, propertiesCreated: 0, errors: [] };
  const at = () => options.now().toISOString();

  let ensured = new Map<string, string>();
  if (!input.scoped) {
    const schema = await ensureRefinerySchema(
      client,
      refineryProperties(
        input.definitions.map((d) => ({ value: d.key, label: d.name })),
        RFM_SEGMENTS.map((d) => ({ value: d.key, label: d.name })),
      ),
    );
    result.propertiesCreated = schema.propertiesCreated;
    const lists = await ensureLists(
      client,
      input.definitions.map((d) => ({ key: d.key, name: segmentName(d) })),
      (await store.getRemoteSegments(shopId, 'hubspot')).map((s) => ({ segmentKey: s.segmentKey, listId: s.remoteId, name: s.name })),
      (saved) => store.saveRemoteSegment(shopId, { platform: 'hubspot', segmentKey: saved.segmentKey, remoteId: saved.listId, name: saved.name, query: '', updatedAt: at() }),
    );
    result.listsCreated = lists.created;
    for (const f of lists.failed) result.errors.push({ code: 'LIST_WRITE', message: `${f.key}: ${f.message}` });
    ensured = lists.lists;
  }

  // Properties: people with a contact whose values changed, plus people to create.
  const keysOf = new Map<string, string[]>();
  for (const [key, members] of input.memberships) {
    for (const personId of members) {
      let keys = keysOf.get(personId);
      if (!keys) keysOf.set(personId, (keys = []));
      keys.push(key);
    }
  }
  const scope = input.scoped ? input.people.flatMap((p) => (p.hubspotContactId ? [p.hubspotContactId] : [])) : undefined;
  const written = await store.getWrittenProperties(shopId, scope);
  const contactOf = new Map<string, string>(); // personId -> contact id
  const changes: PropertyChange[] = [];
  const personByEmail = new Map<string, Person>();
  for (const person of input.people) {
    if (!person.hubspotContactId) continue;
    contactOf.set(person.personId, person.hubspotContactId);
    const values = desiredValues(keysOf.get(person.personId) ?? [], input.rfmGroupOf.get(person.personId), input.scores.get(person.personId));
    if (person.email && !sameValues(values, written.get(person.hubspotContactId))) {
      changes.push({ email: person.email, values });
      personByEmail.set(person.email, person);
    }
  }
  for (const person of contactsToCreate(input.people, { allowCreate: input.allowCreate })) {
    if (!person.email) continue;
    changes.push({ email: person.email, values: desiredValues(keysOf.get(person.personId) ?? [], input.rfmGroupOf.get(person.personId), input.scores.get(person.personId)) });
    personByEmail.set(person.email, person);
  }
  const pushed = await pushProperties(client, changes, async (writes) => {
    await store.recordPropertyWrites(shopId, writes.map((w) => ({ contactId: w.contactId, values: w.values })), at());
    for (const w of writes) {
      const person = personByEmail.get(w.email);
      if (person) contactOf.set(person.personId, w.contactId);
    }
    options.progress('hubspot.properties', `${writes.length} contacts updated`);
  });
  result.contactsUpserted = pushed.upserted;
  result.contactsCreated = pushed.created;
  for (const f of pushed.failed) result.errors.push({ code: 'PROPERTY_WRITE', message: `${f.email}: ${f.message}` });

  // Memberships: per list, the difference between the members now and those last written. A
  // segment that no longer exists (a retired cluster, a deleted rule) has its list emptied.
  // Created contacts joined the scope: their (empty) memberships are read too.
  const scopeIds = scope ? [...new Set([...scope, ...contactOf.values()])] : undefined;
  const writtenMembers = await store.getWrittenMemberships(shopId, 'hubspot', scopeIds);
  const listIdOf = new Map(ensured);
  for (const remote of await store.getRemoteSegments(shopId, 'hubspot')) if (!listIdOf.has(remote.segmentKey)) listIdOf.set(remote.segmentKey, remote.remoteId);
  const defined = new Set(input.definitions.map((d) => d.key));
  const keys = [...defined, ...[...writtenMembers.keys()].filter((key) => !defined.has(key)).sort()];
  for (const key of keys) {
    const listId = listIdOf.get(key);
    if (!listId) continue;
    const want = new Set<string>();
    for (const personId of input.memberships.get(key) ?? []) {
      const contactId = contactOf.get(personId);
      if (contactId) want.add(contactId);
    }
    const have = writtenMembers.get(key) ?? new Set<string>();
    const add = [...want].filter((id) => !have.has(id)).sort();
    const remove = [...have].filter((id) => !want.has(id)).sort();
    if (add.length === 0 && remove.length === 0) continue;
    const done = await pushMemberships(client, listId, add, remove);
    await store.recordMembershipWrite(shopId, {
      platform: 'hubspot',
      added: done.added.map((customerId) => ({ segmentKey: key, customerId })),
      removed: done.removed.map((customerId) => ({ segmentKey: key, customerId })),
      at: at(),
    });
    result.membershipsAdded += done.added.length;
    result.membershipsRemoved += done.removed.length;
    if (done.missing.length > 0) result.errors.push({ code: 'LIST_MEMBER_MISSING', message: `${key}: HubSpot does not know contacts ${done.missing.slice(0, 10).join(', ')}${done.missing.length > 10 ? ` and ${done.missing.length - 10} more` : ''}` });
    options.progress('hubspot.lists', `${result.membershipsAdded} added, ${result.membershipsRemoved} removed`);
  }

  if (input.scoped) return result;
  // The list of a removed rule goes once it is empty.
  const stillListed = await store.getWrittenMemberships(shopId, 'hubspot');
  for (const remote of await store.getRemoteSegments(shopId, 'hubspot')) {
    if (defined.has(remote.segmentKey) || !remote.segmentKey.startsWith(RULE_KEY_PREFIX) || (stillListed.get(remote.segmentKey)?.size ?? 0) > 0) continue;
    await deleteList(client, remote.remoteId);
    await store.deleteRemoteSegment(shopId, 'hubspot', remote.segmentKey);
    result.listsDeleted++;
  }
  return result;
}
