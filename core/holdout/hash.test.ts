import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fmix32, murmur3, murmur3Bytes, unitHash } from './hash.ts';

test('MurmurHash3 x86_32 matches the published test vectors', () => {
  const vectors: [string, number, number][] = [
    ['', 0, 0x00000000],
    ['', 1, 0x514e28b7],
    ['test', 0, 0xba6bd213],
    ['hello', 0, 0x248bfa47],
    ['Hello, world!', 0, 0xc0363e43],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    // UTF-8: eight U+03C0, 16 bytes.
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ];
  for (const [text, seed, expected] of vectors) assert.equal(murmur3(text, seed), expected, `${text} / ${seed}`);
});

test('every tail length (0-3 bytes after the blocks) is hashed, and results are unsigned', () => {
  const seen = new Set<number>();
  for (const text of ['a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg']) {
    const h = murmur3(text);
    assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
    seen.add(h);
  }
  assert.equal(seen.size, 7);
  assert.equal(murmur3Bytes(new Uint8Array([0x61, 0x62, 0x63])), murmur3('abc'));
});

test('fmix32 avalanches: one flipped input bit flips about half the output bits', () => {
  let flipped = 0;
  let trials = 0;
  for (let value = 1; value < 2000; value += 1) {
    for (let bit = 0; bit < 32; bit += 1) {
      const x = fmix32(value) ^ fmix32(value ^ (1 << bit));
      let count = 0;
      for (let v = x; v !== 0; v >>>= 1) count += v & 1;
      flipped += count;
      trials += 1;
    }
  }
  const mean = flipped / trials;
  assert.ok(mean > 15.5 && mean < 16.5, `mean flipped bits ${mean}`);
});

test('unitHash is in [0, 1), deterministic, and separates its parts unambiguously', () => {
  const u = unitHash(['salt', 'champions', 'email:ann@example.com']);
  assert.ok(u >= 0 && u < 1);
  assert.equal(unitHash(['salt', 'champions', 'email:ann@example.com']), u);
  assert.notEqual(unitHash(['ab', 'c']), unitHash(['a', 'bc']));
  assert.notEqual(unitHash(['a;', 'b']), unitHash(['a', ';b']));
});

test('unitHash is uniform: 20 equal bins over 100,000 sequential ids pass a chi-square test', () => {
  const bins = new Array<number>(20).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i += 1) {
    const bin = Math.floor(unitHash(['shop-salt', 'loyal', `shopify:gid://shopify/Customer/${i}`]) * 20);
    bins[bin] = (bins[bin] ?? 0) + 1;
  }
  const expected = n / 20;
  const chi2 = bins.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
  // 19 degrees of freedom: the 99.9th percentile is 43.8.
  assert.ok(chi2 < 43.8, `chi-square ${chi2}`);
});
