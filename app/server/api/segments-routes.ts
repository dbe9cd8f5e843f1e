// GET /segments/:key: one segment explained: why its people are together, their profile against
// the store, its biggest spenders (emails masked, person ids replaced by opaque member references,
// member-ref.ts), where it is written and its holdout lift.
import type { Person } from '../../../core/identity.ts';
import type { Platform } from '../../../core/model.ts';
import type { RefineReport } from '../../../core/segments/refine.ts';
import { RULE_KEY_PREFIX } from '../../../core/segments/segment-definitions.ts';
import { liftReport } from '../../analysis/lift-report.ts';
import { explainSegment } from '../../analysis/segment-explanation.ts';
import { maskEmail, segmentProfile } from '../../analysis/segment-profile.ts';
import type { Store } from '../../store/store.ts';
import { notFound } from './api-errors.ts';
import { defineRoute, ok } from './api-route.ts';
import { ApiErrorSchema, SegmentKeyParams, SegmentResponseSchema } from './api-schemas.ts';
import type { SegmentResponse } from './api-types.ts';
import { segmentTable } from './segment-rows.ts';
import { memberRefs } from './member-ref.ts';
import { liveSegments, requireSettings } from './shop-data.ts';

const PLATFORMS: readonly Platform[] = ['shopify', 'hubspot'];
const SAMPLE_SIZE = 20;

const fullName = (first: string | null, last: string | null) => [first, last].filter((p) => p && p.trim() !== '').join(' ') || null;

/** A person's display name from their Shopify or CSV customer, else their contact (index lookups). */
async function nameOf(store: Store, shopId: string, person: Person | undefined): Promise<string | null> {
  if (!person) return null;
  for (const [source, ids] of [['shopify', person.shopifyCustomerIds], ['csv', person.csvCustomerIds]] as const) {
    for (const id of ids) {
      const customer = await store.getCustomer(shopId, source, id);
      const name = customer ? fullName(customer.firstName, customer.lastName) : null;
      if (name) return name;
    }
  }
  if (person.hubspotContactId) {
    const contact = await store.getContact(shopId, person.hubspotContactId);
    if (contact) return fullName(contact.firstName, contact.lastName);
  }
  return null;
}

export const segmentsRoutes = [
  defineRoute({
    method: 'get',
    path: '/segments/:key',
    operationId: 'getSegment',
    summary: 'One segment: explanation, profile against the store, sample members, where it is written, lift',
    tag: 'segments',
    params: SegmentKeyParams,
    responses: {
      200: { description: 'The segment', schema: SegmentResponseSchema },
      400: { description: 'Not a segment key', schema: ApiErrorSchema },
      404: { description: 'No such segment in the last run', schema: ApiErrorSchema },
    },
    async handle({ shopId, params, services }) {
      const { store } = services;
      await requireSettings(services, shopId);
      const key = params.key;
      const table = await segmentTable(store, shopId);
      const row = table.rows.find((r) => r.key === key);
      if (!row) throw notFound(`no segment "${key}" in the last run of ${shopId}`);
      const definition = (await store.listSegmentSnapshot(shopId)).find((s) => s.definition.key === key)?.definition;
      const [lastSucceeded] = (await store.listRuns(shopId, 20)).filter((r) => r.status === 'succeeded');
      const refinement = (lastSucceeded?.report.refinement ?? null) as RefineReport | null;
      const rule = key.startsWith(RULE_KEY_PREFIX) ? (await store.listRuleSegments(shopId)).find((r) => `${RULE_KEY_PREFIX}${r.key}` === key) : undefined;

      const live = await liveSegments(services, shopId);
      const profile = segmentProfile({
        asOf: live.asOf,
        people: live.people,
        aggregateOf: live.aggregateOf,
        scores: live.scores,
        members: live.memberships.get(key) ?? new Set(),
        sampleSize: SAMPLE_SIZE,
      });
      const sampleMembers: SegmentResponse['sampleMembers'] = [];
      const refOf = await memberRefs(services, shopId);
      for (const m of profile.sample) {
        sampleMembers.push({ memberRef: refOf(m.personId), name: await nameOf(store, shopId, live.personById.get(m.personId)), email: maskEmail(m.email), orders: m.orders, spent: m.spent, lastOrderAt: m.lastOrderAt });
      }

      const syncedTo: SegmentResponse['syncedTo'] = [];
      for (const platform of PLATFORMS) {
        const remote = (await store.getRemoteSegments(shopId, platform)).find((r) => r.segmentKey === key);
        if (!remote) continue;
        const written = await store.getWrittenMemberships(shopId, platform);
        syncedTo.push({ platform, remoteId: remote.remoteId, name: remote.name, members: written.get(key)?.size ?? 0, updatedAt: remote.updatedAt });
      }
      const [lift] = await liftReport(store, shopId, { asOf: services.now().toISOString(), segmentKey: key });

      const body: SegmentResponse = {
        segment: row,
        explanation: definition ? explainSegment(definition, { refinement, ruleText: rule?.rule ?? null }) : row.description,
        profile: profile.profile,
        sampleMembers,
        syncedTo,
        lift: lift ?? null,
      };
      return ok(body);
    },
  }),
];
