import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandScale, linePath, linearScale, niceStep, niceTicks, zeroBasedTicks } from './scale.ts';

test('a linear scale maps the domain onto the range, inverted ranges included', () => {
  const x = linearScale([0, 100], [10, 210]);
  assert.equal(x(0), 10);
  assert.equal(x(50), 110);
  assert.equal(x(100), 210);
  const y = linearScale([0, 1], [300, 0]);
  assert.equal(y(0.25), 225);
  assert.equal(linearScale([5, 5], [0, 100])(5), 50, 'a zero-width domain maps to the middle');
});

test('nice steps are 1, 2, 2.5 or 5 times a power of ten', () => {
  assert.equal(niceStep(0, 10, 5), 2);
  assert.equal(niceStep(0, 1, 5), 0.2);
  assert.equal(niceStep(0, 1649, 4), 500);
  assert.equal(niceStep(0, 1200, 5), 250);
  assert.equal(niceStep(3, 3), 1);
});

test('ticks cover the data and land on round values without float noise', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 0.74, 5), [0, 0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(0, 1649, 4), [0, 500, 1000, 1500, 2000]);
  assert.deepEqual(niceTicks(-3, 19, 4), [-10, 0, 10, 20]);
  assert.deepEqual(niceTicks(-3, 19, 6), [-5, 0, 5, 10, 15, 20]);
  assert.deepEqual(niceTicks(0, 0.3, 3), [0, 0.1, 0.2, 0.3]);
  assert.deepEqual(niceTicks(10, 0, 5), [0, 2, 4, 6, 8, 10], 'reversed bounds');
  assert.deepEqual(niceTicks(0, 0), [0, 1]);
  assert.deepEqual(niceTicks(Number.NaN, 1), []);
  for (const tick of niceTicks(0, 0.07, 7)) assert.ok(String(tick).length <= 4, `clean tick ${tick}`);
});

test('zero-based ticks for bars: the top tick is the domain end; empty data still has an axis', () => {
  assert.deepEqual(zeroBasedTicks([301, 540, 1630, 1649], 4), { max: 2000, ticks: [0, 500, 1000, 1500, 2000] });
  assert.deepEqual(zeroBasedTicks([]), { max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
  assert.equal(zeroBasedTicks([0, 0]).max, 1);
});

test('bands split the range with padding between bars', () => {
  const band = bandScale(4, [0, 400], 0.2);
  assert.equal(band.step, 100);
  assert.equal(band.bandwidth, 80);
  assert.equal(band.start(0), 10);
  assert.equal(band.center(3), 350);
});

test('line paths', () => {
  assert.equal(linePath([]), '');
  assert.equal(
    linePath([
      [0, 1],
      [2.345, 3.999],
    ]),
    'M0 1 L2.35 4',
  );
});
