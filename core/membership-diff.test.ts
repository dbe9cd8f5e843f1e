import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Memberships } from './model.ts';
import { capTagAdditions, diffMemberships } from './membership-diff.ts';

function memberships(entries: Record<string, string[]>): Memberships {
  return new Map(Object.entries(entries).map(([key, ids]) => [key, new Set(ids)]));
}

test('first run: everything desired is an addition', () => {
  const diff = diffMemberships(memberships({ champions: ['b', 'a'], loyal: ['c'] }), new Map());
  assert.deepEqual(diff.changes, [
    { customerId: 'a', add: ['champions'], remove: [] },
    { customerId: 'b', add: ['champions'], remove: [] },
    { customerId: 'c', add: ['loyal'], remove: [] },
  ]);
  assert.deepEqual(diff.totals, {
    customers: 3,
    additions: 3,
    removals: 0,
    bySegment: [
      { key: 'champions', add: 2, remove: 0 },
      { key: 'loyal', add: 1, remove: 0 },
    ],
  });
});

test('moves between segments become one change per customer, sorted', () => {
  const written = memberships({ champions: ['a', 'b'], 'at-risk': ['c'], dormant: ['d'] });
  const desired = memberships({ champions: ['a'], loyal: ['b'], 'at-risk': ['c'], 'almost-lost': ['e'] });
  const diff = diffMemberships(desired, written);
  assert.deepEqual(diff.changes, [
    { customerId: 'b', add: ['loyal'], remove: ['champions'] },
    { customerId: 'd', add: [], remove: ['dormant'] },
    { customerId: 'e', add: ['almost-lost'], remove: [] },
  ]);
  assert.equal(diff.totals.additions, 2);
  assert.equal(diff.totals.removals, 2);
  assert.deepEqual(diff.totals.bySegment.map((s) => s.key), ['almost-lost', 'champions', 'dormant', 'loyal']);
});

test('a customer can be in several segments at once', () => {
  const diff = diffMemberships(memberships({ champions: ['a'], 'cluster-3': ['a'], 'high-propensity': ['a'] }), memberships({ champions: ['a'] }));
  assert.deepEqual(diff.changes, [{ customerId: 'a', add: ['cluster-3', 'high-propensity'], remove: [] }]);
});

test('a second run with no change yields an empty diff', () => {
  const desired = memberships({ champions: ['a', 'b'], loyal: ['c'], empty: [] });
  const written = memberships({ loyal: ['c'], champions: ['b', 'a'] });
  const diff = diffMemberships(desired, written);
  assert.deepEqual(diff, { changes: [], totals: { customers: 0, additions: 0, removals: 0, bySegment: [] } });
});

test('the diff does not depend on insertion order of maps and sets', () => {
  const one = diffMemberships(memberships({ x: ['3', '1', '2'], y: ['2'] }), memberships({ y: ['1'], z: ['3'] }));
  const two = diffMemberships(memberships({ y: ['2'], x: ['2', '3', '1'] }), memberships({ z: ['3'], y: ['1'] }));
  assert.deepEqual(two, one);
});

test('tag cap: additions that fit are kept, the rest reported as skipped', () => {
  assert.deepEqual(capTagAdditions({ add: ['b', 'a'], remove: [] }, 10), { add: ['a', 'b'], skipped: [], resultingTagCount: 12 });
  assert.deepEqual(capTagAdditions({ add: ['c', 'a', 'b'], remove: [] }, 248), { add: ['a', 'b'], skipped: ['c'], resultingTagCount: 250 });
  assert.deepEqual(capTagAdditions({ add: ['a'], remove: [] }, 250), { add: [], skipped: ['a'], resultingTagCount: 250 });
});

test('tag cap: removals free slots first; priority decides who gets the last slots', () => {
  assert.deepEqual(capTagAdditions({ add: ['loyal'], remove: ['champions'] }, 250), { add: ['loyal'], skipped: [], resultingTagCount: 250 });
  assert.deepEqual(
    capTagAdditions({ add: ['cluster-1', 'champions', 'zeta'], remove: [] }, 3, { limit: 5, priority: ['champions'] }),
    { add: ['champions', 'cluster-1'], skipped: ['zeta'], resultingTagCount: 5 },
  );
  // Already over the limit (tags written by others): nothing is added.
  assert.deepEqual(capTagAdditions({ add: ['a'], remove: [] }, 260), { add: [], skipped: ['a'], resultingTagCount: 260 });
});
