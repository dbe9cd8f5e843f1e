// Why the people of a segment are together, in plain words: the RFM rule behind an RFM group, the
// cluster's explanation, what a prediction tier means and how the model was trained, the rule
// text of a rule segment.
import type { SegmentDefinition } from '../../core/model.ts';
import { RFM_GROUP_ORDER, RFM_GROUPS, rfmGroupFor, type RfmGroup, type Score } from '../../core/rfm.ts';
import type { RefineReport } from '../../core/segments/refine.ts';

const SCORES: readonly Score[] = [5, 4, 3, 2, 1];

const span = (values: readonly number[]) => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? `${lo}` : `${lo} to ${hi}`;
};

/** The cells of the RFM grid that make up a group, e.g. `R 5 and FM 4 to 5`. */
export function rfmRuleText(group: RfmGroup): string {
  if (group === 'PROSPECTS') return 'no counted order yet (no R, F or M scores)';
  const parts: Array<{ rs: number[]; fms: number[] }> = [];
  for (const r of SCORES) {
    const fms = ([1, 2, 3, 4, 5] as const).filter((fm) => rfmGroupFor(r, fm) === group);
    if (fms.length === 0) continue;
    const previous = parts[parts.length - 1];
    if (previous && previous.fms.join() === fms.join() && previous.rs[previous.rs.length - 1] === r + 1) previous.rs.push(r);
    else parts.push({ rs: [r], fms });
  }
  return parts.map((p) => `R ${span(p.rs)} and FM ${span(p.fms)}`).join(', or ');
}

export function explainSegment(definition: SegmentDefinition, context: { refinement: RefineReport | null; ruleText: string | null }): string {
  const { refinement } = context;
  switch (definition.kind) {
    case 'rfm': {
      const group = RFM_GROUP_ORDER.find((g) => RFM_GROUPS[g].key === definition.key);
      if (!group) return definition.description;
      return `${definition.description} RFM rule: ${rfmRuleText(group)}. R scores recency and FM frequency and spend together, each from 1 to 5 by quintiles of the shop's buyers (5 is the most recent, the most orders and spend).`;
    }
    case 'cluster': {
      const c = refinement?.clusters;
      const how = c?.status === 'done' ? ` One of ${c.k} behaviour clusters found by k-means on the shop's order and engagement features (silhouette ${c.silhouette.toFixed(2)}).` : '';
      return `${definition.description}${how}`;
    }
    case 'prediction': {
      const step = definition.key.startsWith('churn') ? refinement?.churn : refinement?.propensity;
      const how = step?.status === 'done' ? ` Scored by a ${step.model} trained on ${step.trainedOn} people of this shop (base rate ${(step.baseRate * 100).toFixed(1)} %); tiers split the people scored.` : '';
      return `${definition.description}${how}`;
    }
    case 'micro':
      return `${definition.description} A micro-segment: a cluster crossed with a purchase propensity tier, kept when it has at least ${refinement?.micro.minSize ?? 50} people.`;
    case 'rule':
      return context.ruleText === null ? definition.description : `People matching the rule: ${context.ruleText}`;
    default:
      return definition.description;
  }
}
