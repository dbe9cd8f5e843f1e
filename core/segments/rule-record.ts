// The record a rule segment is evaluated against: one value per field of the rule catalogue
// (core/rules/catalogue.ts), from what the refinery knows of a person. A value the refinery does
// not have is null (the rule language treats it as unknown, never as zero).
import type { CustomerAggregate } from '../customer-aggregate.ts';
import type { FeatureName } from '../features/feature-names.ts';
import type { Person } from '../identity.ts';
import type { RfmScore } from '../rfm.ts';
import type { RuleRecord } from '../rules/index.ts';
import type { PersonScores } from './person-scores.ts';

export interface RuleRecordInput {
  person: Person;
  rfm: RfmScore | undefined;
  aggregate: CustomerAggregate | undefined;
  features: Readonly<Partial<Record<FeatureName, number | null>>> | undefined;
  scores: PersonScores;
  productTypes: readonly string[];
}

const day = (iso: string | null | undefined): string | null => (iso ? iso.slice(0, 10) : null);
const finiteOrNull = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

export function ruleRecordOf(input: RuleRecordInput): RuleRecord {
  const { person, rfm, aggregate, features, scores } = input;
  const orders = aggregate?.orderCount ?? 0;
  const optOut = finiteOrNull(features?.emailOptOut);
  return {
    rfm_group: rfm?.group ?? null,
    cluster: scores.cluster,
    purchase_propensity: scores.purchasePropensity,
    churn_risk: scores.churnRisk,
    predicted_clv: scores.predictedClv,
    expected_purchases: scores.expectedPurchases,
    orders_count: orders,
    amount_spent: aggregate?.totalSpent ?? 0,
    average_order_value: orders > 0 && aggregate ? aggregate.totalSpent / orders : null,
    last_order_date: day(aggregate?.lastOrderAt),
    first_order_date: day(aggregate?.firstOrderAt),
    days_since_last_order: rfm?.recencyDays ?? null,
    email_subscribed: person.marketingConsent,
    email_opted_out: optOut === null ? null : optOut > 0,
    email_opens: finiteOrNull(features?.emailOpens),
    email_clicks: finiteOrNull(features?.emailClicks),
    visits: finiteOrNull(features?.visits),
    page_views: finiteOrNull(features?.pageViews),
    storefront_visits: finiteOrNull(features?.storefrontVisits),
    storefront_page_views: finiteOrNull(features?.storefrontPageViews),
    product_views: finiteOrNull(features?.productViews),
    cart_adds_without_purchase: finiteOrNull(features?.cartAddsWithoutPurchase),
    checkouts_abandoned: finiteOrNull(features?.checkoutsAbandoned),
    product_types: [...input.productTypes],
    has_shopify_customer: person.shopifyCustomerIds.length > 0,
    has_hubspot_contact: person.hubspotContactId !== null,
  };
}
