// The behaviour features computed per person, with what each means and what its null means.
// This list is the single place the meaning of a feature is written down: the scaler reads
// `heavyTailed` from it, cluster explanations read `unit` and `meaning` from it.
//
// Every feature is `number | null`. null is never "zero": it says the value cannot be known
// (no orders, no HubSpot contact, no storefront events, ...), as `whenNull` says for each one.

/** Features that every row has, in column order. */
export const BASE_FEATURES = [
  'recencyDays',
  'frequency',
  'orderCount',
  'monetaryTotal',
  'averageOrderValue',
  'tenureDays',
  'meanDaysBetween',
  'stdDaysBetween',
  'discountedShare',
  'refundRate',
  'categoryOtherShare',
  'emailOpens',
  'emailClicks',
  'emailOpenRate',
  'emailClickRate',
  'emailOptOut',
  'visits',
  'pageViews',
  'storefrontVisits',
  'storefrontPageViews',
  'productViews',
  'cartAddsWithoutPurchase',
  'checkoutsAbandoned',
] as const;

export type BaseFeatureName = (typeof BASE_FEATURES)[number];

/** Share of the person's spend on one of the store's top product types: `category:<product type>`. */
export type CategoryFeatureName = `category:${string}`;

export type FeatureName = BaseFeatureName | CategoryFeatureName;

/** One person's features. Rows of one table all carry the same keys (`FeatureTable.featureNames`). */
export interface FeatureRow {
  personId: string;
  values: Record<FeatureName, number | null>;
}

export type FeatureUnit = 'days' | 'count' | 'money' | 'share' | 'flag';
/** orders; HubSpot email engagement; HubSpot web analytics (its tracking code); the storefront's web pixel. */
export type FeatureSource = 'orders' | 'email' | 'web' | 'storefront';

export interface FeatureInfo {
  name: FeatureName;
  /** One line, for people: what the number is. */
  meaning: string;
  /** What a null means for this feature. */
  whenNull: string;
  unit: FeatureUnit;
  source: FeatureSource;
  /** Long right tail (money, counts, durations): scaled after log1p. */
  heavyTailed: boolean;
}

const NO_ORDERS = 'no counted order as of the date';

const BASE_INFO: Record<BaseFeatureName, Omit<FeatureInfo, 'name'>> = {
  recencyDays: {
    meaning: 'Whole days from the last counted order to the as-of date.',
    whenNull: NO_ORDERS,
    unit: 'days',
    source: 'orders',
    heavyTailed: true,
  },
  frequency: {
    meaning: 'Distinct UTC calendar days with at least one counted order.',
    whenNull: 'never null: 0 without orders',
    unit: 'count',
    source: 'orders',
    heavyTailed: true,
  },
  orderCount: {
    meaning: 'Counted orders (cancelled and later orders excluded).',
    whenNull: 'never null: 0 without orders',
    unit: 'count',
    source: 'orders',
    heavyTailed: true,
  },
  monetaryTotal: {
    meaning: 'Net spend: sum over counted orders of max(0, total - refunded).',
    whenNull: 'never null: 0 without orders',
    unit: 'money',
    source: 'orders',
    heavyTailed: true,
  },
  averageOrderValue: {
    meaning: 'Net spend divided by the number of counted orders.',
    whenNull: NO_ORDERS,
    unit: 'money',
    source: 'orders',
    heavyTailed: true,
  },
  tenureDays: {
    meaning: 'Whole days from the account creation (when known) or the first counted order, whichever is earlier, to the as-of date.',
    whenNull: 'no counted order and no known account creation on or before the date',
    unit: 'days',
    source: 'orders',
    heavyTailed: true,
  },
  meanDaysBetween: {
    meaning: 'Mean number of days between consecutive purchase days.',
    whenNull: 'fewer than 2 purchase days',
    unit: 'days',
    source: 'orders',
    heavyTailed: true,
  },
  stdDaysBetween: {
    meaning: 'Standard deviation (population) of the days between consecutive purchase days.',
    whenNull: 'fewer than 3 purchase days',
    unit: 'days',
    source: 'orders',
    heavyTailed: true,
  },
  discountedShare: {
    meaning: 'Share of counted orders with a discount (discount > 0).',
    whenNull: NO_ORDERS,
    unit: 'share',
    source: 'orders',
    heavyTailed: false,
  },
  refundRate: {
    meaning: 'Refunded amount over charged amount across counted orders, between 0 and 1.',
    whenNull: NO_ORDERS,
    unit: 'share',
    source: 'orders',
    heavyTailed: false,
  },
  categoryOtherShare: {
    meaning: "Share of line-item spend on product types outside the store's top product types (or without a type).",
    whenNull: 'no counted order with a priced line item',
    unit: 'share',
    source: 'orders',
    heavyTailed: false,
  },
  emailOpens: {
    meaning: 'Marketing email opens recorded by HubSpot.',
    whenNull: 'unknown: no HubSpot contact, or HubSpot holds no value',
    unit: 'count',
    source: 'email',
    heavyTailed: true,
  },
  emailClicks: {
    meaning: 'Marketing email clicks recorded by HubSpot.',
    whenNull: 'unknown: no HubSpot contact, or HubSpot holds no value',
    unit: 'count',
    source: 'email',
    heavyTailed: true,
  },
  emailOpenRate: {
    meaning: 'Email opens over emails delivered, at most 1.',
    whenNull: 'unknown: no HubSpot contact, nothing delivered, or opens unknown',
    unit: 'share',
    source: 'email',
    heavyTailed: false,
  },
  emailClickRate: {
    meaning: 'Email clicks over emails delivered, at most 1.',
    whenNull: 'unknown: no HubSpot contact, nothing delivered, or clicks unknown',
    unit: 'share',
    source: 'email',
    heavyTailed: false,
  },
  emailOptOut: {
    meaning: '1 when the person opted out of all email in HubSpot, else 0.',
    whenNull: 'unknown: no HubSpot contact, or HubSpot holds no value',
    unit: 'flag',
    source: 'email',
    heavyTailed: false,
  },
  visits: {
    meaning: 'Website visits recorded by HubSpot (its tracking code).',
    whenNull: 'unknown: no HubSpot contact, or HubSpot holds no visit count',
    unit: 'count',
    source: 'web',
    heavyTailed: true,
  },
  pageViews: {
    meaning: 'Website page views recorded by HubSpot (its tracking code).',
    whenNull: 'unknown: no HubSpot contact, or HubSpot holds no page view count',
    unit: 'count',
    source: 'web',
    heavyTailed: true,
  },
  storefrontVisits: {
    meaning: 'Storefront visits (sessions of a browser; 30 minutes of silence ends one) in the last 90 days (web pixel).',
    whenNull: 'unknown: no storefront events for the person by the date',
    unit: 'count',
    source: 'storefront',
    heavyTailed: true,
  },
  storefrontPageViews: {
    meaning: 'Storefront pages viewed in the last 90 days (web pixel).',
    whenNull: 'unknown: no storefront events for the person by the date',
    unit: 'count',
    source: 'storefront',
    heavyTailed: true,
  },
  productViews: {
    meaning: 'Product pages viewed in the last 90 days (web pixel).',
    whenNull: 'unknown: no storefront events for the person by the date',
    unit: 'count',
    source: 'storefront',
    heavyTailed: true,
  },
  cartAddsWithoutPurchase: {
    meaning: 'Add-to-cart events in the last 90 days not followed by a purchase (a completed checkout or an order).',
    whenNull: 'unknown: no storefront events for the person by the date',
    unit: 'count',
    source: 'storefront',
    heavyTailed: true,
  },
  checkoutsAbandoned: {
    meaning: 'Checkouts started in the last 90 days, left for over an hour and not followed by a purchase.',
    whenNull: 'unknown: no storefront events for the person by the date',
    unit: 'count',
    source: 'storefront',
    heavyTailed: true,
  },
};

const CATEGORY_PREFIX = 'category:';

/** The feature name of a product type's spend share. */
export function categoryFeatureName(productType: string): CategoryFeatureName {
  return `${CATEGORY_PREFIX}${productType}`;
}

export function isCategoryFeature(name: string): name is CategoryFeatureName {
  return name.startsWith(CATEGORY_PREFIX) && name.length > CATEGORY_PREFIX.length;
}

/** The product type of a category feature, or null for any other feature. */
export function categoryOf(name: string): string | null {
  return isCategoryFeature(name) ? name.slice(CATEGORY_PREFIX.length) : null;
}

const BASE_SET: ReadonlySet<string> = new Set(BASE_FEATURES);

export function isBaseFeature(name: string): name is BaseFeatureName {
  return BASE_SET.has(name);
}

export function isFeatureName(name: string): name is FeatureName {
  return isBaseFeature(name) || isCategoryFeature(name);
}

/** What a feature means, its unit and whether it is heavy-tailed; throws for an unknown name. */
export function featureInfo(name: FeatureName): FeatureInfo {
  if (isBaseFeature(name)) return { name, ...BASE_INFO[name] };
  const productType = categoryOf(name);
  if (productType === null) throw new TypeError(`Unknown feature: ${String(name)}`);
  return {
    name,
    meaning: `Share of line-item spend on the product type "${productType}".`,
    whenNull: 'no counted order with a priced line item',
    unit: 'share',
    source: 'orders',
    heavyTailed: false,
  };
}

/** The base features with their meanings, in column order (category features are per store). */
export const FEATURES: readonly FeatureInfo[] = BASE_FEATURES.map((name) => featureInfo(name));

/** Column order of a table: base features, with the kept product types just before `categoryOtherShare`. */
export function featureColumns(categories: readonly string[]): FeatureName[] {
  const columns: FeatureName[] = [];
  for (const name of BASE_FEATURES) {
    if (name === 'categoryOtherShare') for (const type of categories) columns.push(categoryFeatureName(type));
    columns.push(name);
  }
  return columns;
}
