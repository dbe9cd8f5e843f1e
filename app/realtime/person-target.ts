// Real-time re-scoring of one person: their data by index lookups, the batch's scoring snapshot,
// the shop's rules and holdouts -> the segments they belong in (treated and held out) and their
// scores. Then the writes for that person alone: their Shopify customers' tags
// (shopify-person-write.ts) and their HubSpot contact's properties and list memberships, each
// diffed against what was last written.
import { mayWritePerson } from '../../core/consent-policy.ts';
import { isHeldOut } from '../../core/holdout/holdout.ts';
import type { Person } from '../../core/identity.ts';
import type { Memberships } from '../../core/model.ts';
import { rescorePerson, type PersonRescore } from '../../core/segments/score-person.ts';
import { isScoringSnapshot } from '../../core/segments/scoring-snapshot.ts';
import type { HubSpotClient } from '../../connectors/hubspot/hubspot-client.ts';
import type { ShopSettings, Store } from '../store/store.ts';
import { SCORING_SNAPSHOT_STATE } from '../sync/compute-segments.ts';
import { ensureHoldoutSettings } from '../sync/holdout-cohorts.ts';
import { pushHubSpot, type HubSpotPushResult } from '../sync/push-hubspot.ts';
import { loadPersonData } from './person-data.ts';

export interface PersonTarget {
  shopId: string;
  personId: string;
  person: Person;
  rescore: PersonRescore;
  /** Segment keys written back (holdouts left out), sorted. */
  treated: string[];
  heldOut: string[];
  scoredAt: string;
  /** Current tag count per Shopify customer of the person (all apps' tags), for the 250 limit. */
  tagCounts: Record<string, number>;
}

/** A scored person comes with the shop settings it was scored with (the push jobs need to know what is connected). */
export type TargetOutcome = { status: 'scored'; target: PersonTarget; settings: ShopSettings } | { status: 'skipped'; reason: string };

export async function computePersonTarget(store: Store, shopId: string, personId: string, now: () => Date): Promise<TargetOutcome> {
  const settings = await store.getShopSettings(shopId);
  if (!settings) return { status: 'skipped', reason: `unknown shop ${shopId}` };
  const snapshot = await store.getModelState(shopId, SCORING_SNAPSHOT_STATE);
  if (!isScoringSnapshot(snapshot)) return { status: 'skipped', reason: `no batch sync of ${shopId} yet: its first sync scores everyone` };
  const asOf = now().toISOString();
  const data = await loadPersonData(store, shopId, personId, asOf, snapshot.categories);
  if (!data) return { status: 'skipped', reason: `no stored record makes up ${personId}` };
  const rules = await store.listRuleSegments(shopId);
  const rescore = rescorePerson(snapshot, data, rules, asOf);
  const holdout = await ensureHoldoutSettings(store, shopId, settings, { now });
  const treated: string[] = [];
  const heldOut: string[] = [];
  // As the batch: a person the consent policy does not allow is written into no segment (and so
  // has what was written before removed), treated or held out.
  const writable = mayWritePerson(settings.consentPolicy, data.person) ? rescore.segmentKeys : [];
  for (const key of writable) (isHeldOut(personId, key, holdout.share, holdout.salt) ? heldOut : treated).push(key);
  const tagCounts: Record<string, number> = {};
  for (const customer of data.customers) if (customer.source === 'shopify') tagCounts[customer.id] = customer.tags.length;
  return { status: 'scored', target: { shopId, personId, person: data.person, rescore, treated, heldOut, scoredAt: asOf, tagCounts }, settings };
}

/** Every one of `keys` holding all of `ids`. */
export function membershipsOf(keys: readonly string[], ids: readonly string[]): Memberships {
  return new Map(keys.map((key) => [key, new Set(ids)]));
}

export async function writePersonToHubSpot(store: Store, client: HubSpotClient, settings: ShopSettings, target: PersonTarget, now: () => Date): Promise<HubSpotPushResult> {
  const definitions = (await store.listSegmentSnapshot(target.shopId)).map((s) => s.definition);
  return pushHubSpot(
    store,
    target.shopId,
    client,
    {
      people: [target.person],
      memberships: membershipsOf(target.treated, [target.personId]),
      rfmGroupOf: new Map([[target.personId, target.rescore.rfmKey]]),
      scores: new Map([[target.personId, target.rescore.scores]]),
      definitions,
      allowCreate: settings.hubspot?.createContacts ?? false,
      scoped: true,
    },
    { now, progress: () => {} },
  );
}
