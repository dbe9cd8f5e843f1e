import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomerAggregate } from './customer-aggregate.ts';
import {
  RFM_GROUPS,
  RFM_GROUP_ORDER,
  RFM_SEGMENTS,
  combineFm,
  quintileScores,
  rfmGroupFor,
  rfmMemberships,
  scoreRfm,
  type RfmGroup,
  type Score,
} from './rfm.ts';

const AS_OF = '2024-06-30T00:00:00Z';

function buyer(customerId: string, daysAgo: number, orderCount: number, totalSpent: number): CustomerAggregate {
  const last = new Date(Date.parse(AS_OF) - daysAgo * 86_400_000).toISOString();
  return { customerId, firstOrderAt: last, lastOrderAt: last, orderCount, purchaseDays: orderCount, totalSpent };
}

function prospect(customerId: string): CustomerAggregate {
  return { customerId, firstOrderAt: null, lastOrderAt: null, orderCount: 0, purchaseDays: 0, totalSpent: 0 };
}

test('quintiles: five distinct values get 1..5, ten get two per score', () => {
  assert.deepEqual(quintileScores([50, 10, 40, 20, 30]), [5, 1, 4, 2, 3]);
  assert.deepEqual(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
});

test('quintiles: equal values always get equal scores', () => {
  const values = [1, 1, 1, 1, 1, 1, 2, 2, 3, 9];
  const scores = quintileScores(values);
  for (let i = 0; i < values.length; i += 1) {
    for (let j = 0; j < values.length; j += 1) {
      if (values[i] === values[j]) assert.equal(scores[i], scores[j]);
    }
  }
  // Six tied at the bottom sit at mid-rank 0.3 -> 2; the single top value -> 5.
  assert.deepEqual(scores, [2, 2, 2, 2, 2, 2, 4, 4, 5, 5]);
});

test('quintiles: tiny shops and all-equal values', () => {
  assert.deepEqual(quintileScores([]), []);
  assert.deepEqual(quintileScores([7]), [3]);
  assert.deepEqual(quintileScores([7, 3]), [4, 2]);
  assert.deepEqual(quintileScores([7, 3, 5]), [5, 1, 3]);
  assert.deepEqual(quintileScores([4, 4, 4]), [3, 3, 3]);
});

test('quintiles do not depend on input order', () => {
  const values = [5, 3, 3, 8, 1, 9, 9, 2, 7, 3, 6];
  const scores = quintileScores(values);
  const reversedScores = quintileScores([...values].reverse()).reverse();
  assert.deepEqual(reversedScores, scores);
});

test('FM is the average of F and M rounded down', () => {
  assert.equal(combineFm(5, 5), 5);
  assert.equal(combineFm(3, 4), 3);
  assert.equal(combineFm(2, 1), 1);
  assert.equal(combineFm(4, 5), 4);
});

test('the grid, cell by cell (R rows 5..1, FM columns 1..5)', () => {
  const expected: RfmGroup[][] = [
    ['NEW', 'NEW', 'ACTIVE', 'CHAMPIONS', 'CHAMPIONS'],
    ['PROMISING', 'PROMISING', 'ACTIVE', 'LOYAL', 'LOYAL'],
    ['PROMISING', 'PROMISING', 'NEEDS_ATTENTION', 'LOYAL', 'LOYAL'],
    ['DORMANT', 'ALMOST_LOST', 'AT_RISK', 'AT_RISK', 'PREVIOUSLY_LOYAL'],
    ['DORMANT', 'ALMOST_LOST', 'AT_RISK', 'AT_RISK', 'PREVIOUSLY_LOYAL'],
  ];
  const scores: Score[] = [1, 2, 3, 4, 5];
  for (const r of scores) {
    for (const fm of scores) assert.equal(rfmGroupFor(r, fm), expected[5 - r]?.[fm - 1], `R ${r} FM ${fm}`);
  }
  const reachable = new Set(scores.flatMap((r) => scores.map((fm) => rfmGroupFor(r, fm))));
  assert.deepEqual([...reachable].sort(), RFM_GROUP_ORDER.filter((g) => g !== 'PROSPECTS').sort());
});

test('scores five customers into the expected groups; prospects are not ranked', () => {
  const scores = scoreRfm(
    [
      buyer('best', 1, 9, 900),
      buyer('good', 10, 7, 700),
      buyer('mid', 30, 5, 500),
      buyer('fading', 90, 3, 300),
      buyer('gone', 300, 1, 10),
      prospect('window-shopper'),
    ],
    AS_OF,
  );
  assert.deepEqual(
    scores.map(({ customerId, r, f, m, fm, group, recencyDays }) => ({ customerId, r, f, m, fm, group, recencyDays })),
    [
      { customerId: 'best', r: 5, f: 5, m: 5, fm: 5, group: 'CHAMPIONS', recencyDays: 1 },
      { customerId: 'fading', r: 2, f: 2, m: 2, fm: 2, group: 'ALMOST_LOST', recencyDays: 90 },
      { customerId: 'gone', r: 1, f: 1, m: 1, fm: 1, group: 'DORMANT', recencyDays: 300 },
      { customerId: 'good', r: 4, f: 4, m: 4, fm: 4, group: 'LOYAL', recencyDays: 10 },
      { customerId: 'mid', r: 3, f: 3, m: 3, fm: 3, group: 'NEEDS_ATTENTION', recencyDays: 30 },
      { customerId: 'window-shopper', r: null, f: null, m: null, fm: null, group: 'PROSPECTS', recencyDays: null },
    ],
  );
});

test('a one-customer shop and a prospect-only shop', () => {
  assert.deepEqual(
    scoreRfm([buyer('only', 3, 1, 20)], AS_OF).map((s) => [s.r, s.f, s.m, s.fm, s.group]),
    [[3, 3, 3, 3, 'NEEDS_ATTENTION']],
  );
  assert.deepEqual(
    scoreRfm([prospect('p1'), prospect('p2')], AS_OF).map((s) => s.group),
    ['PROSPECTS', 'PROSPECTS'],
  );
  assert.deepEqual(scoreRfm([], AS_OF), []);
});

test('two and three customers', () => {
  const two = scoreRfm([buyer('old', 200, 1, 10), buyer('new', 2, 2, 100)], AS_OF);
  assert.deepEqual(two.map((s) => [s.customerId, s.r, s.f, s.m, s.group]), [
    ['new', 4, 4, 4, 'LOYAL'],
    ['old', 2, 2, 2, 'ALMOST_LOST'],
  ]);
  const three = scoreRfm([buyer('a', 200, 1, 10), buyer('b', 50, 2, 50), buyer('c', 1, 3, 90)], AS_OF);
  assert.deepEqual(three.map((s) => [s.customerId, s.r, s.fm, s.group]), [
    ['a', 1, 1, 'DORMANT'],
    ['b', 3, 3, 'NEEDS_ATTENTION'],
    ['c', 5, 5, 'CHAMPIONS'],
  ]);
});

test('recency counts whole days, so customers who bought on the same day tie', () => {
  const scores = scoreRfm(
    [buyer('a', 1, 1, 10), { ...buyer('b', 1, 1, 10), lastOrderAt: '2024-06-28T20:00:00.000Z' }, buyer('c', 20, 1, 10)],
    AS_OF,
  );
  assert.equal(scores[0]?.r, scores[1]?.r);
  assert.equal(scores[0]?.recencyDays, 1);
});

test('scoring is deterministic: input order does not change the output', () => {
  const aggregates = Array.from({ length: 40 }, (_, i) => buyer(`c${String(i).padStart(2, '0')}`, (i * 37) % 200, 1 + (i % 6), (i * 53) % 400));
  const forward = scoreRfm(aggregates, AS_OF);
  const backward = scoreRfm([...aggregates].reverse(), AS_OF);
  assert.deepEqual(backward, forward);
});

test('RFM_GROUPS: eleven rfm segment definitions with stable slug keys', () => {
  assert.deepEqual(
    RFM_SEGMENTS.map((s) => s.key),
    ['champions', 'loyal', 'active', 'needs-attention', 'promising', 'new', 'at-risk', 'previously-loyal', 'almost-lost', 'dormant', 'prospects'],
  );
  for (const group of RFM_GROUP_ORDER) {
    const definition = RFM_GROUPS[group];
    assert.equal(definition.kind, 'rfm');
    assert.equal(definition.key, group.toLowerCase().replace(/_/g, '-'));
    assert.ok(definition.name.length > 0);
    assert.match(definition.description, /^[A-Z][^.]*[.]$/, `${group}: one sentence`);
  }
});

test('rfmMemberships puts each customer under its group key, all eleven keys present', () => {
  const memberships = rfmMemberships([
    { customerId: 'a', group: 'CHAMPIONS' },
    { customerId: 'b', group: 'AT_RISK' },
    { customerId: 'c', group: 'CHAMPIONS' },
  ]);
  assert.equal(memberships.size, 11);
  assert.deepEqual([...(memberships.get('champions') ?? [])], ['a', 'c']);
  assert.deepEqual([...(memberships.get('at-risk') ?? [])], ['b']);
  assert.equal(memberships.get('dormant')?.size, 0);
});
