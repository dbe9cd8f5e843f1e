// GET /customers/:id/insights: one Shopify customer's segments and scores, for the admin
// customer-details block (extensions/customer-insights). The shop is the session token's only: a
// customer id of another shop finds nothing here and answers `known: false`.
//
// The scores are computed for this one person now, the way real-time re-scoring does
// (app/realtime/person-target.ts): the person's records by index lookups (loadPersonData) scored
// against the last batch's scoring snapshot (rescorePerson). Nothing of the whole shop is
// recomputed and nothing is written (unlike computePersonTarget, a shop without holdout settings
// gets none chosen here: it has had no batch run, and so no snapshot, anyway).
import { mayWritePerson } from '../../../core/consent-policy.ts';
import { isHeldOut } from '../../../core/holdout/holdout.ts';
import { emailPersonId, normaliseEmail, sourceKey } from '../../../core/identity.ts';
import type { Customer, SegmentDefinition } from '../../../core/model.ts';
import { RFM_GROUP_ORDER, RFM_GROUPS } from '../../../core/rfm.ts';
import type { RefineReport } from '../../../core/segments/refine.ts';
import { rescorePerson } from '../../../core/segments/score-person.ts';
import { isScoringSnapshot } from '../../../core/segments/scoring-snapshot.ts';
import { compareStrings } from '../../../core/instant.ts';
import { explainSegment } from '../../analysis/segment-explanation.ts';
import { loadPersonData } from '../../realtime/person-data.ts';
import { SCORING_SNAPSHOT_STATE } from '../../sync/compute-segments.ts';
import { defineRoute, ok } from './api-route.ts';
import { ApiErrorSchema, CustomerIdParams, CustomerInsightsResponseSchema } from './api-schemas.ts';
import type { CustomerInsightsResponse } from './api-types.ts';
import { requireSettings } from './shop-data.ts';

/** The person a Shopify customer belongs to, by the identity rules (as app/jobs/handlers.ts). */
function personIdOf(customer: Customer): string {
  const email = normaliseEmail(customer.email);
  return email ? emailPersonId(email) : sourceKey(customer.source, customer.id);
}

function unknown(customerId: string, reason: string): CustomerInsightsResponse {
  return {
    customerId,
    known: false,
    reason,
    segments: [],
    rfmGroup: null,
    cluster: null,
    purchasePropensity: null,
    churnRisk: null,
    predictedClv: null,
    expectedPurchases: null,
    expectedNextOrderAt: null,
    holdout: { heldOut: false, segments: [] },
    scoredAt: null,
    modelsAsOf: null,
  };
}

export const customerInsightsRoutes = [
  defineRoute<{ id: string }>({
    method: 'get',
    path: '/customers/:id/insights',
    operationId: 'getCustomerInsights',
    summary: "One customer's segments (written and held out), RFM group, cluster, purchase propensity, churn risk, CLV and expected next order",
    tag: 'customers',
    params: CustomerIdParams,
    responses: {
      200: { description: 'The insights; known: false when the app has no scores for the customer', schema: CustomerInsightsResponseSchema },
      400: { description: 'Not a Shopify customer id', schema: ApiErrorSchema },
      404: { description: 'The shop is not known to the app', schema: ApiErrorSchema },
    },
    async handle({ shopId, params, services }) {
      const { store } = services;
      const settings = await requireSettings(services, shopId);
      const customerId = params.id;
      const customer = await store.getCustomer(shopId, 'shopify', customerId);
      if (!customer) return ok(unknown(customerId, 'the app has not synced this customer yet: the next sync scores them'));
      const snapshot = await store.getModelState(shopId, SCORING_SNAPSHOT_STATE);
      if (!isScoringSnapshot(snapshot)) return ok(unknown(customerId, 'no sync has scored this shop yet: its first sync scores everyone'));

      const personId = personIdOf(customer);
      const asOf = services.now().toISOString();
      const data = await loadPersonData(store, shopId, personId, asOf, snapshot.categories);
      if (!data) return ok(unknown(customerId, 'no stored record makes up this customer'));
      const rescore = rescorePerson(snapshot, data, await store.listRuleSegments(shopId), asOf);
      const { scores } = rescore;

      // Held out: segments the person belongs in now that the holdout keeps from the write-back
      // (the same deterministic draw as the batch and real-time writes); nobody the consent
      // policy does not allow is in any segment, treated or held out.
      const holdout = settings.holdout;
      const writable = mayWritePerson(settings.consentPolicy, data.person) ? rescore.segmentKeys : [];
      const heldOut = holdout ? writable.filter((key) => isHeldOut(personId, key, holdout.share, holdout.salt)) : [];

      const definitions = new Map<string, SegmentDefinition>((await store.listSegmentSnapshot(shopId)).map((s) => [s.definition.key, s.definition]));
      for (const group of RFM_GROUP_ORDER) if (!definitions.has(RFM_GROUPS[group].key)) definitions.set(RFM_GROUPS[group].key, RFM_GROUPS[group]);
      const describe = (key: string, held: boolean) => {
        const definition = definitions.get(key);
        return { key, name: definition?.name ?? key, kind: definition?.kind ?? null, heldOut: held };
      };
      // What was last written to this customer's tags (the write ledger, this record only).
      const written = [...(await store.getWrittenMemberships(shopId, 'shopify', [customerId])).entries()]
        .filter(([, ids]) => ids.has(customerId))
        .map(([key]) => key)
        .sort(compareStrings);
      const writtenSet = new Set(written);
      const segments = [...written.map((key) => describe(key, false)), ...heldOut.filter((key) => !writtenSet.has(key)).map((key) => describe(key, true))];

      let cluster: CustomerInsightsResponse['cluster'] = null;
      if (scores.clusterId && scores.cluster) {
        const definition = definitions.get(scores.clusterId);
        const [lastSucceeded] = (await store.listRuns(shopId, 20)).filter((r) => r.status === 'succeeded');
        const refinement = (lastSucceeded?.report.refinement ?? null) as RefineReport | null;
        cluster = { id: scores.clusterId, name: scores.cluster, explanation: definition ? explainSegment(definition, { refinement, ruleText: null }) : '' };
      }
      const rfm = definitions.get(rescore.rfmKey);
      const body: CustomerInsightsResponse = {
        customerId,
        known: true,
        reason: null,
        segments,
        rfmGroup: { key: rescore.rfmKey, name: rfm?.name ?? rescore.rfmKey },
        cluster,
        purchasePropensity: scores.purchasePropensity !== null && scores.purchaseTier !== null ? { score: scores.purchasePropensity, tier: scores.purchaseTier } : null,
        churnRisk: scores.churnRisk !== null && scores.churnTier !== null ? { score: scores.churnRisk, tier: scores.churnTier } : null,
        predictedClv: scores.predictedClv,
        expectedPurchases: scores.expectedPurchases,
        // The BG/NBD model's expected next purchase day (core/clv: expectedNextPurchase). It is
        // null for a customer who never bought, when the shop has too few repeat buyers for the
        // CLV models, or when the customer is unlikely to be alive / to buy within the wait the
        // model allows: then there is no honest date to show.
        expectedNextOrderAt: scores.nextOrderDate,
        holdout: { heldOut: heldOut.length > 0, segments: heldOut },
        scoredAt: asOf,
        modelsAsOf: snapshot.asOf,
      };
      return ok(body);
    },
  }),
];
