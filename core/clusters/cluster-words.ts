// Words for clusters: how a distinguishing feature is said to a marketer (raw, unscaled numbers),
// and the adjective/noun a cluster name is made of. Pure string functions, deterministic.
import { categoryOf, type BaseFeatureName, type FeatureName, type FeatureSource } from '../features/feature-names.ts';

/** Raw statistics of one feature, over the non-null values of a cluster and of the whole store. */
export interface FeatureFigures {
  clusterMean: number;
  clusterMedian: number;
  clusterP25: number;
  clusterP75: number;
  storeMean: number;
  storeMedian: number;
}

export type Direction = 'high' | 'low';

function plural(count: number, one: string, many: string = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A duration in days in words: "3 days", "2 weeks", "5 months", "1.5 years". */
export function duration(days: number): string {
  const d = Math.max(0, days);
  if (d < 14) return plural(Math.round(d), 'day');
  if (d < 60) return plural(Math.round(d / 7), 'week');
  if (d < 365) return plural(Math.round(d / 30.44), 'month');
  const years = d / 365.25;
  return plural(years < 3 ? roundTo(years, 1) : Math.round(years), 'year');
}

/** How long ago, in words: "today", "yesterday", "2 weeks ago". */
export function ago(days: number): string {
  const d = Math.round(Math.max(0, days));
  if (d === 0) return 'today';
  if (d === 1) return 'yesterday';
  return `${duration(d)} ago`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** "3×", "2.5×", "about the same as" for a ratio of cluster to store. */
export function ratioWords(ratio: number, what: string): string {
  if (!Number.isFinite(ratio)) return `far above ${what}`;
  if (ratio >= 1.15) return `${ratio >= 10 ? Math.round(ratio) : roundTo(ratio, 1)}× ${what}`;
  if (ratio <= 0.87) return `${percent(ratio)} of ${what}`;
  return `about ${what}`;
}

function count(value: number): number {
  return Math.round(value);
}

function atLeastOrAtMost(direction: Direction, f: FeatureFigures, one: string, many: string): string {
  const low = Math.floor(f.clusterP25);
  const high = Math.ceil(f.clusterP75);
  if (low === high) return plural(low, one, many);
  return direction === 'high' ? `${low}+ ${many}` : `at most ${plural(high, one, many)}`;
}

function ratioOf(f: FeatureFigures): number {
  return f.storeMean > 0 ? f.clusterMean / f.storeMean : f.clusterMean > 0 ? Number.POSITIVE_INFINITY : 1;
}

/** The phrase for a distinguishing feature, with raw numbers ("6+ orders", "last order 2 weeks ago"). */
export function phrase(feature: FeatureName, direction: Direction, f: FeatureFigures): string {
  const category = categoryOf(feature);
  if (category !== null) return `${percent(f.clusterMean)} of spend on ${category} (store: ${percent(f.storeMean)})`;
  switch (feature as BaseFeatureName) {
    case 'recencyDays':
      return `last order ${ago(f.clusterMedian)}`;
    case 'frequency':
      return Math.ceil(f.clusterP75) <= 1 ? 'bought once' : `bought on ${atLeastOrAtMost(direction, f, 'day', 'separate days')}`;
    case 'orderCount':
      return atLeastOrAtMost(direction, f, 'order', 'orders');
    case 'monetaryTotal':
      return `spends ${ratioWords(ratioOf(f), 'the store average')}`;
    case 'averageOrderValue':
      return `orders worth ${ratioWords(ratioOf(f), 'the store average')}`;
    case 'tenureDays':
      return `customer for ${duration(f.clusterMedian)}`;
    case 'meanDaysBetween':
      return `buys every ${duration(f.clusterMedian)}`;
    case 'stdDaysBetween':
      return `gaps between orders vary by about ${duration(f.clusterMedian)}`;
    case 'discountedShare':
      return `${percent(f.clusterMean)} of orders discounted (store: ${percent(f.storeMean)})`;
    case 'refundRate':
      return `${percent(f.clusterMean)} of spend refunded (store: ${percent(f.storeMean)})`;
    case 'categoryOtherShare':
      return `${percent(f.clusterMean)} of spend on other product types (store: ${percent(f.storeMean)})`;
    case 'emailOpens':
      return plural(count(f.clusterMedian), 'email open');
    case 'emailClicks':
      return plural(count(f.clusterMedian), 'email click');
    case 'emailOpenRate':
      return `opens ${percent(f.clusterMean)} of emails (store: ${percent(f.storeMean)})`;
    case 'emailClickRate':
      return `clicks ${percent(f.clusterMean)} of emails (store: ${percent(f.storeMean)})`;
    case 'emailOptOut':
      return `${percent(f.clusterMean)} opted out of email (store: ${percent(f.storeMean)})`;
    case 'visits':
      return plural(count(f.clusterMedian), 'site visit');
    case 'pageViews':
      return plural(count(f.clusterMedian), 'page view');
    case 'storefrontVisits':
      return plural(count(f.clusterMedian), 'storefront visit');
    case 'storefrontPageViews':
      return plural(count(f.clusterMedian), 'storefront page view');
    case 'productViews':
      return plural(count(f.clusterMedian), 'product view');
    case 'cartAddsWithoutPurchase':
      return count(f.clusterMedian) === 0 && direction === 'low'
        ? 'rarely leaves items in the cart'
        : `${plural(count(f.clusterMedian), 'cart add')} without buying`;
    case 'checkoutsAbandoned':
      return count(f.clusterMedian) === 0 && direction === 'low'
        ? 'rarely abandons a checkout'
        : `${plural(count(f.clusterMedian), 'abandoned checkout')}`;
  }
  return feature;
}

/** The phrase for a cluster whose share of unknown values stands out (more or fewer unknowns). */
export function missingPhrase(feature: FeatureName, clusterShare: number, storeShare: number, source: FeatureSource): string {
  const what = source === 'email' ? 'HubSpot email data' : source === 'web' ? 'HubSpot web analytics' : source === 'storefront' ? 'storefront activity' : `a known ${feature}`;
  return clusterShare >= storeShare
    ? `${percent(clusterShare)} without ${what} (store: ${percent(storeShare)})`
    : `${percent(1 - clusterShare)} with ${what} (store: ${percent(1 - storeShare)})`;
}

/** What a name can be made of. `concept` keeps two words about the same thing out of one name. */
export interface NameTerm {
  concept: string;
  adjective: string;
  noun: string;
  /** Recency reads better as an adjective ("Lapsed regulars") than as the noun. */
  adjectiveFirst: boolean;
  /** Email or storefront behaviour: the noun comes from buying behaviour when there is one. */
  engagement: boolean;
}

function term(concept: string, adjective: string, noun: string, adjectiveFirst = false): NameTerm {
  return { concept, adjective, noun, adjectiveFirst, engagement: false };
}

function engagementTerm(concept: string, adjective: string, noun: string): NameTerm {
  return { concept, adjective, noun, adjectiveFirst: false, engagement: true };
}

const TERMS: Partial<Record<BaseFeatureName, Partial<Record<Direction, NameTerm>>>> = {
  // Recent buyers and newcomers say the same thing twice: one concept ('newness') keeps one of them.
  recencyDays: { high: term('recency', 'Lapsed', 'lapsed customers', true), low: term('newness', 'Recent', 'recent buyers', true) },
  frequency: { high: term('frequency', 'Frequent', 'regulars'), low: term('frequency', 'Occasional', 'occasional buyers') },
  orderCount: { high: term('frequency', 'Frequent', 'regulars'), low: term('frequency', 'Occasional', 'occasional buyers') },
  monetaryTotal: { high: term('value', 'High-value', 'big spenders'), low: term('value', 'Low-spend', 'light spenders') },
  averageOrderValue: { high: term('basket', 'Big-basket', 'big-basket buyers'), low: term('basket', 'Small-basket', 'small-basket buyers') },
  tenureDays: { high: term('tenure', 'Long-time', 'long-timers'), low: term('newness', 'New', 'newcomers') },
  meanDaysBetween: { high: term('rhythm', 'Slow-return', 'slow returners'), low: term('rhythm', 'Quick-return', 'quick returners') },
  stdDaysBetween: { high: term('regularity', 'Irregular', 'irregular buyers'), low: term('regularity', 'Steady', 'steady buyers') },
  discountedShare: { high: term('discount', 'Deal-seeking', 'deal seekers'), low: term('discount', 'Full-price', 'full-price buyers') },
  refundRate: { high: term('refund', 'Refund-prone', 'returners') },
  categoryOtherShare: { high: term('category:other', 'Eclectic', 'eclectic shoppers') },
  emailOpens: { high: engagementTerm('email', 'Email-engaged', 'email fans'), low: engagementTerm('email', 'Email-quiet', 'email skimmers') },
  emailClicks: { high: engagementTerm('email', 'Email-engaged', 'email fans'), low: engagementTerm('email', 'Email-quiet', 'email skimmers') },
  emailOpenRate: { high: engagementTerm('email', 'Email-engaged', 'email fans'), low: engagementTerm('email', 'Email-quiet', 'email skimmers') },
  emailClickRate: { high: engagementTerm('email', 'Email-engaged', 'email fans'), low: engagementTerm('email', 'Email-quiet', 'email skimmers') },
  emailOptOut: { high: engagementTerm('optout', 'Opted-out', 'opted-out customers') },
  visits: { high: engagementTerm('browsing', 'Browsing', 'browsers') },
  pageViews: { high: engagementTerm('browsing', 'Browsing', 'browsers') },
  storefrontVisits: { high: engagementTerm('browsing', 'Browsing', 'browsers') },
  storefrontPageViews: { high: engagementTerm('browsing', 'Browsing', 'browsers') },
  productViews: { high: engagementTerm('browsing', 'Browsing', 'browsers') },
  cartAddsWithoutPurchase: { high: engagementTerm('cart', 'Cart-abandoning', 'cart abandoners') },
  checkoutsAbandoned: { high: engagementTerm('cart', 'Checkout-abandoning', 'checkout abandoners') },
};

/** The naming term of a distinguishing feature, or null when it makes no good name. */
export function nameTerm(feature: FeatureName, direction: Direction, f: FeatureFigures): NameTerm | null {
  const category = categoryOf(feature);
  if (category !== null) return direction === 'high' ? term(feature, category, `${category} fans`) : null;
  if ((feature === 'orderCount' || feature === 'frequency') && direction === 'low' && Math.ceil(f.clusterP75) <= 1) {
    return term('frequency', 'One-time', 'one-timers');
  }
  return TERMS[feature as BaseFeatureName]?.[direction] ?? null;
}

/** The concept a feature speaks about, so one explanation does not say the same thing twice. */
export function conceptOf(feature: FeatureName): string {
  switch (feature) {
    case 'frequency':
    case 'orderCount':
      return 'frequency';
    case 'emailOpens':
    case 'emailOpenRate':
      return 'email-opens';
    case 'emailClicks':
    case 'emailClickRate':
      return 'email-clicks';
    case 'visits':
    case 'pageViews':
      return 'browsing';
    default:
      return feature;
  }
}

/** Candidate names for a cluster from its ranked terms, best first. */
export function candidateNames(terms: readonly NameTerm[]): string[] {
  if (terms.length === 0) return ['Typical customers'];
  const head =
    terms.find((t) => !t.adjectiveFirst && !t.engagement) ?? terms.find((t) => !t.adjectiveFirst) ?? (terms[0] as NameTerm);
  const names: string[] = [];
  for (const other of terms) {
    if (other === head || other.concept === head.concept) continue;
    names.push(`${other.adjective} ${head.noun}`);
  }
  names.push(capitalise(head.noun));
  for (const alternative of terms) {
    if (alternative === head) continue;
    for (const other of terms) {
      if (other === alternative || other.concept === alternative.concept) continue;
      names.push(`${other.adjective} ${alternative.noun}`);
    }
  }
  return [...new Set(names)];
}

export function capitalise(text: string): string {
  return text.length === 0 ? text : (text[0] as string).toUpperCase() + text.slice(1);
}
