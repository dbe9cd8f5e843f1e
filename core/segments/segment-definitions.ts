// Keys, names and descriptions of the segments the refinery derives beyond RFM groups. Keys are
// stable lower-case slugs (the Shopify tag is `<prefix><key>`, the HubSpot list is found by key):
// - clusters: the cluster id, `cluster-<n>`, kept across runs by centroid matching (core/clusters);
// - prediction tiers: `propensity-high|medium|low`, `churn-risk-high|medium|low`;
// - micro-segments: `<cluster id>-propensity-<tier>`, e.g. `cluster-3-propensity-high`;
// - rule segments: `rule-<key>`, the key the user chose.
// Names may change between runs (a cluster renamed as it drifts); keys do not.
import type { SegmentDefinition } from '../model.ts';
import type { Tier } from '../predict/tiers.ts';

export const TIERS: readonly Tier[] = ['high', 'medium', 'low'];

const TIER_WORD: Record<Tier, string> = { high: 'high', medium: 'medium', low: 'low' };

export function clusterDefinition(cluster: { id: string; name: string; explanation: string }): SegmentDefinition {
  return { key: cluster.id, name: `Cluster: ${cluster.name}`, kind: 'cluster', description: cluster.explanation };
}

export function propensityKey(tier: Tier): string {
  return `propensity-${tier}`;
}

export function churnKey(tier: Tier): string {
  return `churn-risk-${tier}`;
}

export function propensityDefinition(tier: Tier, horizonDays: number): SegmentDefinition {
  return {
    key: propensityKey(tier),
    name: `Purchase propensity: ${TIER_WORD[tier]}`,
    kind: 'prediction',
    description: `People whose predicted chance of ordering in the next ${horizonDays} days is ${tier === 'high' ? 'among the highest in the store' : tier === 'medium' ? 'around or above the store average' : 'below the store average'}.`,
  };
}

export function churnDefinition(tier: Tier, horizonDays: number): SegmentDefinition {
  return {
    key: churnKey(tier),
    name: `Churn risk: ${TIER_WORD[tier]}`,
    kind: 'prediction',
    description: `Past buyers whose predicted chance of not ordering again in the next ${horizonDays} days is ${tier === 'high' ? 'among the highest' : tier === 'medium' ? 'around or above average' : 'below average'}.`,
  };
}

export function microKey(clusterId: string, tier: Tier): string {
  return `${clusterId}-propensity-${tier}`;
}

export function microDefinition(cluster: { id: string; name: string }, tier: Tier): SegmentDefinition {
  return {
    key: microKey(cluster.id, tier),
    name: `${cluster.name} · propensity ${TIER_WORD[tier]}`,
    kind: 'micro',
    description: `People of the cluster "${cluster.name}" with a ${TIER_WORD[tier]} purchase propensity.`,
  };
}

export const RULE_KEY_PREFIX = 'rule-';

export function ruleSegmentKey(ruleKey: string): string {
  return `${RULE_KEY_PREFIX}${ruleKey}`;
}

export function ruleDefinition(rule: { key: string; name: string; rule: string }): SegmentDefinition {
  return { key: ruleSegmentKey(rule.key), name: rule.name, kind: 'rule', description: `Rule: ${rule.rule}` };
}
