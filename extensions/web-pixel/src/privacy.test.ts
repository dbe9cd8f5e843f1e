import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyticsAllowed, createConsent } from './privacy.ts';

const status = (analyticsProcessingAllowed: unknown) => ({ analyticsProcessingAllowed, marketingAllowed: true, preferencesProcessingAllowed: true, saleOfDataAllowed: true });

test('only an explicit analyticsProcessingAllowed: true allows sending', () => {
  assert.equal(analyticsAllowed(status(true)), true);
  assert.equal(analyticsAllowed({ customerPrivacy: status(true) }), true);
  for (const value of [false, 'true', 1, null, undefined]) assert.equal(analyticsAllowed(status(value)), false);
  assert.equal(analyticsAllowed(undefined), false);
  assert.equal(analyticsAllowed({ customerPrivacy: null }), false);
  assert.equal(analyticsAllowed({ customerPrivacy: status(false) }), false);
});

test('consent follows visitorConsentCollected and reports the change', () => {
  const consent = createConsent(status(false));
  assert.equal(consent.allowed, false);
  assert.equal(consent.update({ customerPrivacy: status(false) }), 'unchanged');
  assert.equal(consent.update({ customerPrivacy: status(true) }), 'granted');
  assert.equal(consent.allowed, true);
  assert.equal(consent.update({ customerPrivacy: status(true) }), 'unchanged');
  assert.equal(consent.update({ customerPrivacy: status(false) }), 'withdrawn');
  assert.equal(consent.allowed, false);
  consent.update({ customerPrivacy: status(true) });
  assert.equal(consent.update('garbage'), 'withdrawn');
});
