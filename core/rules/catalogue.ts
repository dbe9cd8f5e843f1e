// The field catalogue: which fields a rule may name, their types, and (for enumerations) their
// allowed values. The caller gives it to parseRule, so the same language serves any feature set.
import { RefineryError } from '../errors.ts';
import { RFM_GROUP_ORDER } from '../rfm.ts';
import type { FieldType } from './rule.ts';
import { KEYWORDS } from './lexer.ts';

export interface FieldSpec {
  readonly type: FieldType;
  /**
   * Allowed values of a `string` or `string-list` field (an enumeration). Rules may write them in
   * any letter case; the parsed rule holds the spelling given here.
   */
  readonly values?: readonly string[];
  /** Smallest and largest meaningful value of a `number` field: a literal outside is an error. */
  readonly min?: number;
  readonly max?: number;
  /** What the field means, in a marketer's words. */
  readonly description?: string;
}

/** Field name (lower-case snake_case) -> spec. */
export type Catalogue = Readonly<Record<string, FieldSpec>>;

const FIELD_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Checks a catalogue once, where it is built: names are lower-case snake_case and not keywords,
 * enumerations only on text fields, bounds only on numbers. Throws a VALIDATION error otherwise
 * (a programming error, not a user's).
 */
export function defineCatalogue<T extends Catalogue>(fields: T): T {
  for (const [name, spec] of Object.entries(fields)) {
    const problem = catalogueProblem(name, spec);
    if (problem !== null) throw new RefineryError('VALIDATION', `rule catalogue field '${name}': ${problem}`);
  }
  return fields;
}

function catalogueProblem(name: string, spec: FieldSpec): string | null {
  if (!FIELD_NAME.test(name)) return 'names are lower-case letters, digits and _';
  if (KEYWORDS.has(name.toUpperCase())) return 'a keyword cannot be a field name';
  if (spec.values !== undefined) {
    if (spec.type !== 'string' && spec.type !== 'string-list') return 'only text fields take allowed values';
    if (spec.values.length === 0) return 'allowed values must not be empty';
    const folded = new Set(spec.values.map((v) => v.toLowerCase()));
    if (folded.size !== spec.values.length) return 'allowed values must differ in more than letter case';
  }
  if ((spec.min !== undefined || spec.max !== undefined) && spec.type !== 'number') return 'only number fields take min/max';
  if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) return 'min is above max';
  return null;
}

/** The fields the refinery computes per customer (see README.md for what each means). */
export const DEFAULT_CATALOGUE = defineCatalogue({
  rfm_group: { type: 'string', values: RFM_GROUP_ORDER, description: "Shopify's RFM group, e.g. CHAMPIONS, AT_RISK." },
  cluster: { type: 'string', description: 'Name of the behaviour cluster the customer falls in.' },
  purchase_propensity: { type: 'number', min: 0, max: 1, description: 'Probability (0 to 1) of buying in the coming period.' },
  churn_risk: { type: 'number', min: 0, max: 1, description: 'Probability (0 to 1) that the customer has stopped buying.' },
  predicted_clv: { type: 'number', min: 0, description: 'Predicted future spend, in the shop currency.' },
  expected_purchases: { type: 'number', min: 0, description: 'Expected number of orders in the coming period.' },
  orders_count: { type: 'number', min: 0, description: 'Orders placed so far.' },
  amount_spent: { type: 'number', min: 0, description: 'Total spent so far, in the shop currency, after refunds.' },
  average_order_value: { type: 'number', min: 0, description: 'Amount spent divided by orders.' },
  last_order_date: { type: 'date', description: 'Day of the most recent order.' },
  first_order_date: { type: 'date', description: 'Day of the first order.' },
  days_since_last_order: { type: 'number', min: 0, description: 'Whole days since the most recent order.' },
  email_subscribed: { type: 'boolean', description: 'Agreed to receive marketing email.' },
  email_opted_out: { type: 'boolean', description: 'Unsubscribed from all email in HubSpot.' },
  email_opens: { type: 'number', min: 0, description: 'Marketing emails opened (HubSpot).' },
  email_clicks: { type: 'number', min: 0, description: 'Marketing emails clicked (HubSpot).' },
  visits: { type: 'number', min: 0, description: 'Website visits recorded by HubSpot.' },
  page_views: { type: 'number', min: 0, description: 'Website page views recorded by HubSpot.' },
  storefront_visits: { type: 'number', min: 0, description: 'Storefront visits (sessions) in the last 90 days.' },
  storefront_page_views: { type: 'number', min: 0, description: 'Storefront pages viewed in the last 90 days.' },
  product_views: { type: 'number', min: 0, description: 'Product pages viewed in the last 90 days (storefront).' },
  cart_adds_without_purchase: { type: 'number', min: 0, description: 'Items added to the cart in the last 90 days and not bought since (storefront).' },
  checkouts_abandoned: { type: 'number', min: 0, description: 'Checkouts started in the last 90 days, left for over an hour and not followed by a purchase (storefront).' },
  product_types: { type: 'string-list', description: 'Product types the customer has bought.' },
  has_shopify_customer: { type: 'boolean', description: 'The person is a Shopify customer.' },
  has_hubspot_contact: { type: 'boolean', description: 'The person is a HubSpot contact.' },
} satisfies Catalogue);

/** The spec of a field named in any letter case, with the catalogue's spelling; null if unknown. */
export function lookupField(catalogue: Catalogue, name: string): { name: string; spec: FieldSpec } | null {
  const key = name.toLowerCase();
  if (!Object.hasOwn(catalogue, key)) return null;
  const spec = catalogue[key];
  return spec === undefined ? null : { name: key, spec };
}
