import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreRfm } from '../rfm.ts';
import { rfmBoundaries, scoreRfmAgainst } from './rfm-boundaries.ts';
import { TEST_AS_OF, testRefineInput } from './test-shop.ts';

test('every buyer of the batch, scored alone against the boundaries, gets the batch score and group', () => {
  const input = testRefineInput({ customers: 500, prospects: 10 });
  const scores = scoreRfm(input.aggregates, TEST_AS_OF);
  const boundaries = rfmBoundaries(scores, input.aggregates, TEST_AS_OF);
  const byId = new Map(input.aggregates.map((a) => [a.customerId, a]));
  for (const score of scores) {
    const alone = scoreRfmAgainst(byId.get(score.customerId) as never, boundaries, TEST_AS_OF);
    assert.deepEqual(alone, score, score.customerId);
  }
  // JSON round trip (the boundaries are stored between runs).
  assert.deepEqual(JSON.parse(JSON.stringify(boundaries)), boundaries);
});

test('a new order moves a person up; values beyond the batch clamp to 5 and 1; prospects stay prospects', () => {
  const input = testRefineInput({ customers: 300 });
  const scores = scoreRfm(input.aggregates, TEST_AS_OF);
  const boundaries = rfmBoundaries(scores, input.aggregates, TEST_AS_OF);
  const huge = { customerId: 'x', firstOrderAt: '2020-01-01T00:00:00Z', lastOrderAt: TEST_AS_OF, orderCount: 1000, purchaseDays: 1000, totalSpent: 1e7 };
  assert.equal(scoreRfmAgainst(huge, boundaries, TEST_AS_OF).group, 'CHAMPIONS');
  const old = { ...huge, lastOrderAt: '2001-01-01T00:00:00Z', orderCount: 1, totalSpent: 0.01 };
  assert.deepEqual([scoreRfmAgainst(old, boundaries, TEST_AS_OF).r, scoreRfmAgainst(old, boundaries, TEST_AS_OF).group], [1, 'DORMANT']);
  const prospect = { customerId: 'p', firstOrderAt: null, lastOrderAt: null, orderCount: 0, purchaseDays: 0, totalSpent: 0 };
  assert.equal(scoreRfmAgainst(prospect, boundaries, TEST_AS_OF).group, 'PROSPECTS');
  // A batch without buyers: a first buyer is ranked alone, as scoreRfm ranks a shop of one.
  const empty = rfmBoundaries([], [], TEST_AS_OF);
  const alone = scoreRfm([huge], TEST_AS_OF)[0];
  assert.deepEqual(scoreRfmAgainst(huge, empty, TEST_AS_OF), alone);
});
