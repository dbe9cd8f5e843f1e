import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from './errors.ts';
import {
  isOwnTag,
  segmentKeyOfTag,
  segmentName,
  segmentQueryForTag,
  segmentQueryString,
  segmentTag,
  uniqueSegmentName,
  validateSegmentKey,
  validateTag,
  validateTagPrefix,
} from './segment-tags.ts';

test('a segment tag is prefix + key', () => {
  assert.equal(segmentTag('refinery:', 'champions'), 'refinery:champions');
  assert.equal(segmentTag('sr_', 'at-risk'), 'sr_at-risk');
});

test('prefix validation: non-empty, at most 40 characters, letters digits : - _ only, no comma', () => {
  assert.deepEqual(validateTagPrefix('refinery:'), { valid: true });
  assert.deepEqual(validateTagPrefix('A-b_9:'), { valid: true });
  assert.deepEqual(validateTagPrefix('x'.repeat(40)), { valid: true });
  assert.equal(validateTagPrefix('').valid, false);
  assert.equal(validateTagPrefix('x'.repeat(41)).valid, false);
  const comma = validateTagPrefix('a,b');
  assert.equal(comma.valid, false);
  assert.match(comma.valid ? '' : comma.reason, /comma/);
  for (const bad of ['with space', "o'neil", 'tag/x', 'émoji', 'a.b']) assert.equal(validateTagPrefix(bad).valid, false, bad);
});

test('segment keys are lower-case slugs', () => {
  assert.equal(validateSegmentKey('needs-attention').valid, true);
  for (const bad of ['', 'Champions', 'at risk', '-x', 'x-', 'a--b']) assert.equal(validateSegmentKey(bad).valid, false, bad);
});

test('tags are at most 255 characters and never contain a comma', () => {
  assert.equal(validateTag('x'.repeat(255)).valid, true);
  assert.equal(validateTag('x'.repeat(256)).valid, false);
  assert.equal(validateTag('a,b').valid, false);
  assert.equal(validateTag('  ').valid, false);
});

test('segmentTag throws a VALIDATION RefineryError on bad input', () => {
  for (const [prefix, key] of [['', 'champions'], ['a,b', 'champions'], ['refinery:', 'Not A Slug'], ['p'.repeat(40), 'k'.repeat(216)]] as const) {
    assert.throws(
      () => segmentTag(prefix, key),
      (error: unknown) => error instanceof RefineryError && error.code === 'VALIDATION',
      `${prefix} + ${key}`,
    );
  }
  assert.equal(segmentTag('p'.repeat(40), 'k'.repeat(215)).length, 255);
});

test('isOwnTag: our prefix followed by a slug, compared without case', () => {
  assert.equal(isOwnTag('refinery:champions', 'refinery:'), true);
  assert.equal(isOwnTag('Refinery:Champions', 'refinery:'), true);
  assert.equal(isOwnTag('refinery:', 'refinery:'), false);
  assert.equal(isOwnTag('refinery:two words', 'refinery:'), false);
  assert.equal(isOwnTag('vip', 'refinery:'), false);
  assert.equal(isOwnTag('refinery-champions', 'refinery:'), false);
  assert.equal(isOwnTag('anything', ''), false);
  assert.equal(segmentKeyOfTag('REFINERY:At-Risk', 'refinery:'), 'at-risk');
});

test('native segment query selects the tag, with quotes and backslashes escaped', () => {
  assert.equal(segmentQueryForTag('refinery:champions'), "customer_tags CONTAINS 'refinery:champions'");
  assert.equal(segmentQueryString("o'neil"), "'o\\'neil'");
  assert.equal(segmentQueryString('back\\slash'), "'back\\\\slash'");
  assert.equal(segmentQueryForTag("it's"), "customer_tags CONTAINS 'it\\'s'");
  assert.throws(() => segmentQueryForTag('a,b'), RefineryError);
});

test('native segment names and uniqueness', () => {
  assert.equal(segmentName({ name: 'Champions' }), 'Refinery · Champions');
  assert.equal(segmentName({ name: 'At risk' }, 'Acme'), 'Acme · At risk');
  assert.equal(uniqueSegmentName('Refinery · Champions', ['Other']), 'Refinery · Champions');
  assert.equal(
    uniqueSegmentName('Refinery · Champions', ['refinery · champions', 'Refinery · Champions (2)']),
    'Refinery · Champions (3)',
  );
});
