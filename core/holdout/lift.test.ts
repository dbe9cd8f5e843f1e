import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { computeLift, createLiftAccumulator, measureSegmentLift, type LiftReport, type PersonOutcome } from './lift.ts';
import { newcombeInterval, twoSidedZ } from './stats.ts';

/** n people, the first `converters` of whom bought for `revenue(i)`. */
function group(n: number, converters: number, revenue: (i: number) => number = () => 10): PersonOutcome[] {
  return Array.from({ length: n }, (_, i) => (i < converters ? { converted: true, revenue: revenue(i) } : { converted: false, revenue: 0 }));
}

function assertNoNaN(report: LiftReport): void {
  const text = JSON.stringify(report);
  assert.deepEqual(JSON.parse(text), report, 'serialisable without loss');
  const walk = (value: unknown): void => {
    if (typeof value === 'number') assert.ok(Number.isFinite(value), `non-finite number in ${text}`);
    else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) walk(item);
  };
  walk(report);
}

function sampleMoments(values: number[]): { mean: number; variance: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

test('empty groups: not enough data, zeros everywhere, never NaN', () => {
  const report = computeLift({ treated: [], holdout: [] });
  assert.equal(report.status, 'not-enough-data');
  assert.equal(report.conversion, null);
  assert.equal(report.revenuePerPerson, null);
  assert.deepEqual(report.holdout, { people: 0, converters: 0, conversionRate: 0, revenue: 0, revenuePerPerson: 0, revenueStdDev: 0 });
  assert.equal(report.reasons.length, 3);
  assert.match(report.finding, /^Not enough data yet: the holdout has 0 people/);
  assertNoNaN(report);
});

test('a holdout under 30 people gives no estimates, only the counts', () => {
  const report = computeLift({ treated: group(1000, 100), holdout: group(29, 5) });
  assert.equal(report.status, 'not-enough-data');
  assert.deepEqual(report.reasons, ['the holdout has 29 people; at least 30 are needed']);
  assert.equal(report.holdout.people, 29);
  assert.equal(report.holdout.converters, 5);
  assert.equal(report.conversion, null);
  assertNoNaN(report);
  assert.equal(computeLift({ treated: group(1000, 100), holdout: group(30, 5) }).status, 'ok');
  assert.equal(computeLift({ treated: group(29, 5), holdout: group(100, 5) }).status, 'not-enough-data');
  assert.equal(computeLift({ treated: group(29, 5), holdout: group(29, 5) }, { minGroupSize: 10 }).status, 'ok');
});

test('nobody converted in either group: not enough data', () => {
  const report = computeLift({ treated: group(500, 0), holdout: group(60, 0) });
  assert.equal(report.status, 'not-enough-data');
  assert.deepEqual(report.reasons, ['nobody in either group bought in the window']);
  assertNoNaN(report);
});

test('conversion lift: rates, absolute and relative lift, Newcombe interval', () => {
  const report = computeLift({ treated: group(1000, 120), holdout: group(100, 8) });
  assert.equal(report.status, 'ok');
  assert.equal(report.treated.conversionRate, 0.12);
  assert.equal(report.holdout.conversionRate, 0.08);
  const conversion = report.conversion;
  assert.ok(conversion !== null);
  assert.ok(Math.abs(conversion.absolute - 0.04) < 1e-12);
  assert.ok(Math.abs((conversion.relative ?? 0) - 0.5) < 1e-12);
  assert.deepEqual(conversion.interval, newcombeInterval(120, 1000, 8, 100, twoSidedZ(0.95)));
  assert.equal(conversion.method, 'newcombe-wilson');
  assert.equal(conversion.direction, 'unclear');
  assert.match(report.finding, /^Treated people bought at 12\.0 % against 8\.0 % in the holdout: \+4\.0 points \(95 % interval /);
  assertNoNaN(report);
});

test('direction: up and down when the interval excludes 0', () => {
  assert.equal(computeLift({ treated: group(2000, 400), holdout: group(500, 50) }).conversion?.direction, 'up');
  assert.equal(computeLift({ treated: group(2000, 100), holdout: group(500, 75) }).conversion?.direction, 'down');
});

test('relative lift is null when the holdout rate is 0', () => {
  const report = computeLift({ treated: group(300, 30), holdout: group(40, 0) });
  assert.equal(report.status, 'ok');
  assert.equal(report.conversion?.relative, null);
  assert.equal(report.revenuePerPerson?.relative, null);
  assertNoNaN(report);
});

test('revenue per person: means, sample standard deviations and a Welch normal interval', () => {
  const treatedRevenue = (i: number): number => 20 + (i % 7) * 3.25;
  const holdoutRevenue = (i: number): number => 15 + (i % 5) * 4.1;
  const treated = group(200, 60, treatedRevenue);
  const holdout = group(50, 10, holdoutRevenue);
  const report = computeLift({ treated, holdout });
  const t = sampleMoments(treated.map((o) => o.revenue));
  const h = sampleMoments(holdout.map((o) => o.revenue));
  assert.ok(Math.abs(report.treated.revenuePerPerson - t.mean) < 1e-9);
  assert.ok(Math.abs(report.holdout.revenuePerPerson - h.mean) < 1e-9);
  assert.ok(Math.abs(report.treated.revenueStdDev - Math.sqrt(t.variance)) < 1e-9);
  assert.ok(Math.abs(report.holdout.revenueStdDev - Math.sqrt(h.variance)) < 1e-9);
  const revenue = report.revenuePerPerson;
  assert.ok(revenue !== null);
  const se = Math.sqrt(t.variance / 200 + h.variance / 50);
  const z = twoSidedZ(0.95);
  assert.ok(Math.abs(revenue.absolute - (t.mean - h.mean)) < 1e-9);
  assert.ok(Math.abs(revenue.interval.lower - (t.mean - h.mean - z * se)) < 1e-9);
  assert.ok(Math.abs(revenue.interval.upper - (t.mean - h.mean + z * se)) < 1e-9);
  assert.ok(Math.abs((revenue.relative ?? 0) - (t.mean - h.mean) / h.mean) < 1e-9);
  assert.equal(revenue.method, 'welch-normal');
  assert.match(report.finding, /revenue per person \d+\.\d\d against \d+\.\d\d/);
  assertNoNaN(report);
});

test('converters without revenue (free orders): conversion lift only, with the reason', () => {
  const report = computeLift({ treated: group(100, 10, () => 0), holdout: group(40, 2, () => 0) });
  assert.equal(report.status, 'ok');
  assert.ok(report.conversion !== null);
  assert.equal(report.revenuePerPerson, null);
  assert.deepEqual(report.reasons, ['neither group has any revenue in the window']);
  assert.match(report.finding, /no revenue in the window to compare\.$/);
});

test('revenue sums are exact: equal large revenues have exactly zero spread', () => {
  const report = computeLift({ treated: group(100, 100, () => 123456.78), holdout: group(100, 100, () => 123456.78) });
  assert.equal(report.treated.revenueStdDev, 0);
  assert.equal(report.treated.revenue, 12345678);
  assert.deepEqual(report.revenuePerPerson?.interval, { lower: 0, upper: 0 });
});

test('the order of outcomes does not matter, and streaming equals one-shot', () => {
  const treated = group(300, 45, (i) => 9.99 * (i + 1));
  const holdout = group(60, 5, (i) => 7.5 * (i + 2));
  const oneShot = computeLift({ treated, holdout });
  assert.deepEqual(computeLift({ treated: [...treated].reverse(), holdout: [...holdout].reverse() }), oneShot);
  const accumulator = createLiftAccumulator();
  for (let i = 0; i < treated.length; i += 50) accumulator.addAll('treated', treated.slice(i, i + 50));
  for (const outcome of holdout) accumulator.add('holdout', outcome);
  assert.deepEqual(accumulator.report(), oneShot);
});

test('a higher confidence gives a wider interval; invalid options and revenues are refused', () => {
  const groups = { treated: group(1000, 120), holdout: group(200, 16) };
  const at90 = computeLift(groups, { confidence: 0.9 }).conversion?.interval;
  const at99 = computeLift(groups, { confidence: 0.99 }).conversion?.interval;
  assert.ok(at90 !== undefined && at99 !== undefined);
  assert.ok(at99.lower < at90.lower && at99.upper > at90.upper);
  assert.match(computeLift(groups, { confidence: 0.9 }).finding, /90 % interval/);
  assert.throws(() => computeLift(groups, { confidence: 1 }), RefineryError);
  assert.throws(() => computeLift(groups, { minGroupSize: 1 }), RefineryError);
  assert.throws(() => computeLift({ treated: [{ converted: true, revenue: Number.NaN }], holdout: [] }), RefineryError);
});

test('measureSegmentLift: people without an outcome did not buy; a person in both groups is refused', () => {
  const treated = Array.from({ length: 40 }, (_, i) => `email:t${i}@x.io`);
  const holdout = Array.from({ length: 30 }, (_, i) => `email:h${i}@x.io`);
  const outcomes = new Map<string, PersonOutcome>([
    ['email:t0@x.io', { converted: true, revenue: 50 }],
    ['email:t1@x.io', { converted: true, revenue: 30 }],
    ['email:h0@x.io', { converted: true, revenue: 20 }],
    ['email:stranger@x.io', { converted: true, revenue: 999 }],
  ]);
  const report = measureSegmentLift({ treated, holdout, outcomes });
  assert.equal(report.treated.people, 40);
  assert.equal(report.treated.converters, 2);
  assert.equal(report.treated.revenue, 80);
  assert.equal(report.holdout.people, 30);
  assert.equal(report.holdout.converters, 1);
  assert.equal(report.holdout.revenue, 20);
  assert.deepEqual(report, computeLift({ treated: group(40, 2, (i) => [50, 30][i] ?? 0), holdout: group(30, 1, () => 20) }));
  assert.throws(() => measureSegmentLift({ treated: ['a'], holdout: ['a'], outcomes }), RefineryError);
});
