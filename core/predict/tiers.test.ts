import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { assignTiers, type Tier } from './tiers.ts';

const order: Record<Tier, number> = { low: 0, medium: 1, high: 2 };

test('relative rule: top 20 % with 1.5x lift is high, top 50 % above base is medium', () => {
  // Ten people, base rate 0.2.
  const p = [0.9, 0.6, 0.35, 0.25, 0.21, 0.19, 0.1, 0.05, 0.02, 0.01];
  assert.deepEqual(assignTiers(p, 0.2), ['high', 'high', 'medium', 'medium', 'medium', 'low', 'low', 'low', 'low', 'low']);
  // The same people when the base rate is 0.5: nobody but 0.9 reaches 0.75, 0.6 is medium.
  assert.deepEqual(assignTiers(p, 0.5).slice(0, 3), ['high', 'medium', 'low']);
});

test('a high base rate (churn): high asks for half the way from the base rate to 1, since 1.5x is out of reach', () => {
  // Base rate 0.8: the bar for high is 0.9 (1.5 x 0.8 = 1.2 cannot be met).
  const p = [0.97, 0.93, 0.88, 0.85, 0.82, 0.8, 0.7, 0.6, 0.5, 0.3];
  assert.deepEqual(assignTiers(p, 0.8).slice(0, 6), ['high', 'high', 'medium', 'medium', 'medium', 'low']);
  // At base rates up to 0.5 the 1.5x bar is the lower one and applies unchanged.
  assert.deepEqual(assignTiers([0.74, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2], 0.5)[0], 'medium');
});

test('a model with no signal (everyone at the base rate) puts everyone in medium; base rate 0 in low', () => {
  assert.deepEqual(assignTiers([0.1, 0.1, 0.1], 0.1), ['medium', 'medium', 'medium']);
  assert.deepEqual(assignTiers([0, 0], 0), ['low', 'low']);
  assert.deepEqual(assignTiers([], 0.3), []);
});

test('ties share a tier and a higher probability never gets a lower tier', () => {
  const p = [0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
  const tiers = assignTiers(p, 0.2);
  assert.deepEqual(tiers, ['high', 'high', 'high', 'high', 'low', 'low', 'low', 'low', 'low', 'low']);
  const many = Array.from({ length: 200 }, (_, i) => ((i * 37) % 101) / 100);
  const t = assignTiers(many, 0.3);
  many.forEach((a, i) =>
    many.forEach((b, j) => {
      if (a > b) assert.ok(order[t[i] ?? 'low'] >= order[t[j] ?? 'low']);
    }),
  );
});

test('threshold rule and bad input', () => {
  assert.deepEqual(assignTiers([0.7, 0.3, 0.1], 0.2, { kind: 'threshold', high: 0.5, medium: 0.25 }), ['high', 'medium', 'low']);
  assert.throws(() => assignTiers([Number.NaN], 0.2), (e: unknown) => e instanceof RefineryError && e.code === 'VALIDATION');
  assert.throws(() => assignTiers([0.5], 0.2, { kind: 'threshold', high: 0.1, medium: 0.4 }), RefineryError);
});
