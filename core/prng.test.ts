import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveSeed, hashSample, hashString, mulberry32 } from './prng.ts';

test('mulberry32 is deterministic per seed, in [0, 1), and roughly uniform', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const c = mulberry32(43);
  const first = Array.from({ length: 5 }, () => a());
  assert.deepEqual(first, Array.from({ length: 5 }, () => b()));
  assert.notDeepEqual(first, Array.from({ length: 5 }, () => c()));
  // The reference implementation's first output for seed 1 (a += 0x6D2B79F5; ...).
  assert.equal(mulberry32(1)(), 0.6270739405881613);
  const buckets = new Array<number>(10).fill(0);
  const random = mulberry32(7);
  for (let i = 0; i < 100_000; i++) {
    const x = random();
    assert.ok(x >= 0 && x < 1);
    buckets[Math.floor(x * 10)] = (buckets[Math.floor(x * 10)] ?? 0) + 1;
  }
  for (const count of buckets) assert.ok(Math.abs(count - 10_000) < 500, `bucket ${count}`);
});

test('deriveSeed and hashString depend on every input', () => {
  assert.equal(deriveSeed(1, 2, 3), deriveSeed(1, 2, 3));
  assert.notEqual(deriveSeed(1, 2, 3), deriveSeed(1, 3, 2));
  assert.notEqual(deriveSeed(1, 2), deriveSeed(2, 2));
  assert.equal(hashString('email:a@b.c', 5), hashString('email:a@b.c', 5));
  assert.notEqual(hashString('email:a@b.c', 5), hashString('email:a@b.c', 6));
  assert.notEqual(hashString('ab', 5), hashString('ba', 5));
});

test('hashSample: fixed size, deterministic, and stable when a few keys come and go', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `person-${i}`);
  const sample = hashSample(keys, 500, 9);
  assert.equal(sample.length, 500);
  assert.equal(new Set(sample).size, 500);
  assert.deepEqual(hashSample(keys, 500, 9), sample);
  assert.notDeepEqual(hashSample(keys, 500, 10), sample);
  assert.equal(hashSample(keys.slice(0, 100), 500, 9).length, 100, 'never more than there are');

  const chosen = new Set(sample.map((i) => keys[i]));
  const changed = [...keys.slice(50), ...Array.from({ length: 50 }, (_, i) => `newcomer-${i}`)];
  const again = new Set(hashSample(changed, 500, 9).map((i) => changed[i]));
  let kept = 0;
  for (const key of again) if (chosen.has(key)) kept += 1;
  assert.ok(kept >= 480, `kept ${kept} of 500 after replacing 50 of 10,000 keys`);
});
