import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError, describeError, isRetriable } from './errors.ts';

test('throttled and upstream errors are retriable, validation errors are not', () => {
  assert.equal(isRetriable(new RefineryError('THROTTLED', 'slow down', { retryAfterMs: 500 })), true);
  assert.equal(isRetriable(new RefineryError('UPSTREAM_UNAVAILABLE', '503')), true);
  assert.equal(isRetriable(new RefineryError('VALIDATION', 'bad field')), false);
  assert.equal(isRetriable(new RefineryError('BUSY', 'another sync of the shop is running')), true);
  assert.equal(isRetriable(new Error('plain')), false);
  assert.equal(describeError(new RefineryError('AUTH', 'token revoked')), '[AUTH] token revoked');
});
