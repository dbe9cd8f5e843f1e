import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CostBudget, waitForPoints } from './cost-budget.ts';

test('waits exactly long enough for the bucket to refill', () => {
  const status = { maximumAvailable: 1000, currentlyAvailable: 100, restoreRate: 50 };
  assert.equal(waitForPoints(status, 0, 0, 100), 0);
  assert.equal(waitForPoints(status, 0, 0, 200), 2000);
  assert.equal(waitForPoints(status, 0, 1000, 200), 1000);
  assert.equal(waitForPoints(status, 0, 60_000, 200), 0);
  // A query never waits for more than the bucket can hold.
  assert.equal(waitForPoints(status, 0, 0, 5000), 18_000);
});

test('remembers the requested cost of each document', () => {
  let t = 0;
  const budget = new CostBudget(() => t);
  assert.equal(budget.delayFor(500), 0, 'no status seen yet');
  assert.equal(budget.expectedCost('customers', 252), 252);
  budget.observe('customers', 302, { maximumAvailable: 400, currentlyAvailable: 10, restoreRate: 100 });
  assert.equal(budget.expectedCost('customers', 252), 302);
  assert.equal(budget.delayFor(302), 2920);
  t = 2920;
  assert.equal(budget.delayFor(302), 0);
});
