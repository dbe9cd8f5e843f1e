import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RFM_GROUPS } from '../../core/rfm.ts';
import { explainSegment, rfmRuleText } from './segment-explanation.ts';

test('the RFM rule of a group in grid cells', () => {
  assert.equal(rfmRuleText('CHAMPIONS'), 'R 5 and FM 4 to 5');
  assert.equal(rfmRuleText('LOYAL'), 'R 3 to 4 and FM 4 to 5');
  assert.equal(rfmRuleText('PROMISING'), 'R 3 to 4 and FM 1 to 2');
  assert.equal(rfmRuleText('ACTIVE'), 'R 4 to 5 and FM 3');
  assert.match(rfmRuleText('PROSPECTS'), /no counted order/);
});

test('explanations by kind', () => {
  assert.match(explainSegment(RFM_GROUPS.CHAMPIONS, { refinement: null, ruleText: null }), /^Bought very recently.*RFM rule: R 5 and FM 4 to 5\./);
  assert.equal(explainSegment({ key: 'rule-vip', name: 'VIP', kind: 'rule', description: 'Rule: x' }, { refinement: null, ruleText: "cluster = 'Big'" }), "People matching the rule: cluster = 'Big'");
  assert.equal(explainSegment({ key: 'cluster-1', name: 'Cluster: Big', kind: 'cluster', description: 'Spend a lot.' }, { refinement: null, ruleText: null }), 'Spend a lot.');
});
