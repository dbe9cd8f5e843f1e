import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import type { Memberships } from '../model.ts';
import {
  DEFAULT_HOLDOUT_SHARE,
  assertHoldoutShare,
  holdoutPoint,
  holdoutShareFor,
  isHeldOut,
  splitMembers,
  splitMemberships,
} from './holdout.ts';
import { murmur3 } from './hash.ts';

const SALT = 'shop-7f3a9c';
const ids = (n: number, prefix = 'email:person'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}@example.com`);
const MANY = ids(100_000);

test('deterministic: the same person, segment, share and salt always give the same answer', () => {
  const first = splitMembers(ids(2000), 'champions', 0.1, SALT);
  const second = splitMembers(ids(2000).reverse(), 'champions', 0.1, SALT);
  assert.deepEqual(second, first);
  for (const id of first.holdout) assert.equal(isHeldOut(id, 'champions', 0.1, SALT), true);
  for (const id of first.treated) assert.equal(isHeldOut(id, 'champions', 0.1, SALT), false);
  // Pinned: a change of hash or key layout would silently redraw every holdout in production.
  assert.equal(holdoutPoint('email:ann@example.com', 'champions', 'salt'), 0.24581649294123054);
  assert.equal(holdoutPoint('email:ann@example.com', 'champions', 'salt'), murmur3('4:salt;9:champions;21:email:ann@example.com;') / 2 ** 32);
});

test('share accuracy: within one point of the share on 100,000 ids', () => {
  for (const share of [0.01, 0.05, 0.1, 0.25, 0.5]) {
    const { holdout } = splitMembers(MANY, 'loyal', share, SALT);
    const actual = holdout.length / MANY.length;
    assert.ok(Math.abs(actual - share) < 0.01, `share ${share}: ${actual}`);
  }
});

test('share 0 holds nobody out; the default share is 10 %', () => {
  const { treated, holdout } = splitMembers(ids(1000), 'loyal', 0, SALT);
  assert.equal(holdout.length, 0);
  assert.equal(treated.length, 1000);
  assert.equal(DEFAULT_HOLDOUT_SHARE, 0.1);
  assert.equal(isHeldOut('email:a@b.co', 'loyal', 0, SALT), false);
});

test('shares outside 0-50 % and an empty salt are refused', () => {
  for (const share of [-0.01, 0.51, 1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => assertHoldoutShare(share), (error: unknown) => error instanceof RefineryError && error.code === 'VALIDATION');
    assert.throws(() => splitMembers(['a'], 'loyal', share, SALT), RefineryError);
  }
  assert.doesNotThrow(() => assertHoldoutShare(0.5));
  assert.throws(() => isHeldOut('a', 'loyal', 0.1, ''), RefineryError);
});

test('independent across segments: two holdouts overlap in about share^2 of the members', () => {
  const share = 0.1;
  const a = new Set(splitMembers(MANY, 'champions', share, SALT).holdout);
  const b = splitMembers(MANY, 'loyal', share, SALT).holdout;
  const overlap = b.filter((id) => a.has(id)).length / MANY.length;
  // Expected 1 %; a shared hash without the segment key would give 10 %.
  assert.ok(Math.abs(overlap - share * share) < 0.002, `overlap ${overlap}`);
});

test('independent across shops: another salt draws another holdout', () => {
  const a = new Set(splitMembers(MANY, 'champions', 0.1, SALT).holdout);
  const b = splitMembers(MANY, 'champions', 0.1, 'other-shop').holdout;
  const overlap = b.filter((id) => a.has(id)).length / MANY.length;
  assert.ok(Math.abs(overlap - 0.01) < 0.002, `overlap ${overlap}`);
});

test('monotone in the share: everyone held out at 5 % is still held out at 10 %', () => {
  const at5 = splitMembers(MANY, 'at-risk', 0.05, SALT).holdout;
  const at10 = new Set(splitMembers(MANY, 'at-risk', 0.1, SALT).holdout);
  assert.ok(at5.length > 0);
  for (const id of at5) assert.ok(at10.has(id), id);
  assert.ok(at10.size > at5.length);
});

test('stable when members join or leave: nobody else changes group', () => {
  const before = splitMembers(ids(5000), 'new', 0.1, SALT);
  const members = ids(5000).filter((_, i) => i % 7 !== 0).concat(ids(500, 'email:joiner'));
  const after = splitMembers(members, 'new', 0.1, SALT);
  const heldBefore = new Set(before.holdout);
  const heldAfter = new Set(after.holdout);
  for (const id of members) {
    if (id.startsWith('email:joiner')) continue;
    assert.equal(heldAfter.has(id), heldBefore.has(id), id);
  }
});

test('splitMembers de-duplicates and sorts, and the two groups partition the members', () => {
  const members = ['email:c@x.io', 'email:a@x.io', 'email:c@x.io', 'email:b@x.io'];
  const { treated, holdout } = splitMembers(members, 'loyal', 0.5, SALT);
  assert.deepEqual([...treated, ...holdout].sort(), ['email:a@x.io', 'email:b@x.io', 'email:c@x.io']);
  assert.deepEqual(treated, [...treated].sort());
  assert.deepEqual(holdout, [...holdout].sort());
});

test('splitMemberships applies the default, per-segment shares and keeps every key', () => {
  const memberships: Memberships = new Map([
    ['champions', new Set(ids(4000))],
    ['loyal', new Set(ids(4000))],
    ['empty', new Set<string>()],
  ]);
  const { treated, holdout } = splitMemberships(memberships, { salt: SALT, shareBySegment: { loyal: 0 } });
  assert.deepEqual([...treated.keys()], ['champions', 'loyal', 'empty']);
  assert.deepEqual([...holdout.keys()], ['champions', 'loyal', 'empty']);
  assert.equal(holdout.get('loyal')?.size, 0);
  assert.equal(treated.get('loyal')?.size, 4000);
  const held = holdout.get('champions')?.size ?? 0;
  assert.ok(held > 300 && held < 500, `held ${held}`);
  assert.equal((treated.get('champions')?.size ?? 0) + held, 4000);
  assert.deepEqual([...(holdout.get('champions') ?? [])], splitMembers(ids(4000), 'champions', 0.1, SALT).holdout);
  assert.equal(holdout.get('empty')?.size, 0);
});

test('holdoutShareFor: map or record overrides, then share, then the default', () => {
  assert.equal(holdoutShareFor('a', {}), 0.1);
  assert.equal(holdoutShareFor('a', { share: 0.2 }), 0.2);
  assert.equal(holdoutShareFor('a', { share: 0.2, shareBySegment: { a: 0.05 } }), 0.05);
  assert.equal(holdoutShareFor('a', { share: 0.2, shareBySegment: new Map([['a', 0]]) }), 0);
  assert.equal(holdoutShareFor('toString', { share: 0.2, shareBySegment: {} }), 0.2);
  assert.throws(() => holdoutShareFor('a', { shareBySegment: { a: 0.9 } }), RefineryError);
});
