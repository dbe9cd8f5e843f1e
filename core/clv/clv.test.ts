import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedPurchases } from './bg-nbd-predict.ts';
import { discountedExpectedPurchases, predictClv, predictPerson } from './clv.ts';
import type { ClvModels } from './clv.ts';
import { expectedSpend } from './gamma-gamma.ts';
import type { PurchaseSummary } from './summary.ts';

const models: ClvModels = {
  bgNbd: { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 },
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
  unit: 'week',
};
const loyal: PurchaseSummary = { x: 6, tx: 48, T: 50, meanSpend: 42 };
const newcomer: PurchaseSummary = { x: 0, tx: 0, T: 3, meanSpend: null };

test('12-month CLV = expected purchases in 52.18 weeks × expected spend', () => {
  for (const s of [loyal, newcomer]) {
    const p = predictClv(models, s);
    const purchases = expectedPurchases(models.bgNbd, 365.25 / 7, s);
    const spend = expectedSpend(models.gammaGamma as NonNullable<ClvModels['gammaGamma']>, s) as number;
    assert.equal(p.expectedPurchases, purchases);
    assert.equal(p.expectedSpend, spend);
    assert.ok(p.clv !== null && Math.abs(p.clv - purchases * spend) < 1e-9 * p.clv);
  }
  assert.ok((predictClv(models, loyal).clv as number) > (predictClv(models, newcomer).clv as number));
});

test('the unit does not change the answer: the same history in days gives the same CLV', () => {
  const inDays: ClvModels = { ...models, bgNbd: { ...models.bgNbd, alpha: models.bgNbd.alpha * 7 }, unit: 'day' };
  const a = predictClv(models, loyal).clv as number;
  const b = predictClv(inDays, { ...loyal, tx: loyal.tx * 7, T: loyal.T * 7 }).clv as number;
  assert.ok(Math.abs(a - b) < 1e-9 * a, `${a} vs ${b}`);
});

test('discounting: lower than undiscounted, no lower than discounting everything by a full year', () => {
  const plain = predictClv(models, loyal).clv as number;
  const discounted = predictClv(models, loyal, { annualDiscountRate: 0.1 }).clv as number;
  assert.ok(discounted < plain && discounted > plain / 1.1, `${discounted} vs ${plain}`);
  // monthly mid-period steps are close to a fine (weekly) grid
  const horizon = 365.25 / 7;
  const monthly = discountedExpectedPurchases(models.bgNbd, loyal, horizon, 'week', 0.1, 12);
  const weekly = discountedExpectedPurchases(models.bgNbd, loyal, horizon, 'week', 0.1, 52);
  assert.ok(Math.abs(monthly - weekly) < 1e-3 * weekly);
  assert.equal(discountedExpectedPurchases(models.bgNbd, loyal, horizon, 'week', 0), expectedPurchases(models.bgNbd, horizon, loyal));
});

test('no spend model: purchases and P(alive) still, CLV null', () => {
  const p = predictClv({ ...models, gammaGamma: null }, loyal);
  assert.equal(p.clv, null);
  assert.equal(p.expectedSpend, null);
  assert.ok(p.expectedPurchases > 0 && p.probabilityAlive > 0);
});

test('predictPerson adds the next order date', () => {
  const p = predictPerson(models, loyal, 20_000);
  assert.ok(p.nextPurchase !== null && p.nextPurchase.day > 20_000);
  assert.equal(predictPerson(models, { x: 6, tx: 5, T: 50, meanSpend: 42 }, 20_000).nextPurchase, null);
});
