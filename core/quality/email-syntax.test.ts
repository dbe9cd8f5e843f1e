import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidEmailSyntax } from './email-syntax.ts';

test('accepts ordinary addresses, after trimming and lower-casing', () => {
  for (const email of [
    'ann@example.com',
    ' Ann.Lee@Example.COM ',
    'ann+shop@example.co.uk',
    "o'brien@example.ie",
    'a_b-c@sub-domain.example.org',
    'x@xn--bcher-kva.example',
    '1234@example.com',
    `${'a'.repeat(64)}@example.com`,
  ]) {
    assert.equal(isValidEmailSyntax(email), true, email);
  }
});

test('rejects what cannot be sent to', () => {
  for (const email of [
    null,
    undefined,
    '',
    '   ',
    'ann',
    'ann@',
    '@example.com',
    'ann@@example.com',
    'ann@bob@example.com',
    'ann@localhost',
    'ann@example',
    'ann@example.c',
    'ann@1.2.3.4',
    'ann@[1.2.3.4]',
    '.ann@example.com',
    'ann.@example.com',
    'ann..lee@example.com',
    'ann lee@example.com',
    'ann@exa mple.com',
    'ann@-example.com',
    'ann@example-.com',
    'ann@example..com',
    'ann@.example.com',
    'ann@example.com.',
    '"ann"@example.com',
    'ann(comment)@example.com',
    'anné@example.com',
    'ann@bücher.example',
    `${'a'.repeat(65)}@example.com`,
    `ann@${'a'.repeat(64)}.com`,
    `ann@${'abcdefghij.'.repeat(23)}com`,
  ]) {
    assert.equal(isValidEmailSyntax(email), false, String(email));
  }
});
