// Answers of GET /api/customers/:id/insights for the block's tests.
import type { CustomerInsightsResponse } from '../../../app/server/api/api-types.ts';

export const CUSTOMER_GID = 'gid://shopify/Customer/6';

export function knownInsights(overrides: Partial<CustomerInsightsResponse> = {}): CustomerInsightsResponse {
  return {
    customerId: CUSTOMER_GID,
    known: true,
    reason: null,
    segments: [
      { key: 'champions', name: 'Champions', kind: 'rfm', heldOut: false },
      { key: 'cluster-1', name: 'Frequent big spenders', kind: 'cluster', heldOut: false },
      { key: 'propensity-high', name: 'Likely to buy', kind: 'prediction', heldOut: true },
    ],
    rfmGroup: { key: 'champions', name: 'Champions' },
    cluster: { id: 'cluster-1', name: 'Frequent big spenders', explanation: 'Order often and spend well above the store average.' },
    purchasePropensity: { score: 0.8123, tier: 'high' },
    churnRisk: { score: 0.12, tier: 'low' },
    predictedClv: 1234.5,
    expectedPurchases: 3.2,
    expectedNextOrderAt: '2026-03-14',
    holdout: { heldOut: true, segments: ['propensity-high'] },
    scoredAt: '2026-03-02T10:00:00.000Z',
    modelsAsOf: '2026-03-01T00:00:00.000Z',
    ...overrides,
  };
}

export function unknownInsights(): CustomerInsightsResponse {
  return {
    customerId: CUSTOMER_GID,
    known: false,
    reason: 'the app has not synced this customer yet: the next sync scores them',
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

/** A fetch that answers one JSON body with a status, and records the URLs asked for. */
export function fakeFetch(status: number, body: unknown) {
  const urls: string[] = [];
  const fn = async (url: string) => {
    urls.push(url);
    return { ok: status >= 200 && status < 300, status, json: async () => body };
  };
  return { fn, urls };
}
