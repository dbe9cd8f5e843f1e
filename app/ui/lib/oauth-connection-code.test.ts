import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeConnectionCode, encodeConnectionCode } from './oauth-connection-code.ts';

const STATE = 'aW5zdGFsbC1hLm15c2hvcGlmeS5jb20.1767225600000.AbCdEfGhIjKl.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';

test('a connection code round-trips { code, state } as base64url, whitespace and all', () => {
  const connection = { code: 'na1-1f2e3d4c-5b6a-7980-a1b2-c3d4e5f60718', state: STATE };
  const encoded = encodeConnectionCode(connection);
  assert.match(encoded, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')), connection);
  assert.deepEqual(decodeConnectionCode(encoded), connection);
  assert.deepEqual(decodeConnectionCode(`  ${encoded}\n`), connection);
  assert.deepEqual(decodeConnectionCode(`${encoded.slice(0, 20)}\n${encoded.slice(20)}`), connection, 'a line break from the copy');
  const unusual = { code: 'a/b+c=d?é', state: STATE };
  assert.deepEqual(decodeConnectionCode(encodeConnectionCode(unusual)), unusual);
});

test('anything else is not a connection code', () => {
  const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  for (const bad of [
    '',
    '   ',
    'not a code!',
    STATE,
    `${STATE}~na1-code`,
    b64('not json'),
    b64([1, 2]),
    b64(null),
    b64({ code: 'x' }),
    b64({ code: '', state: STATE }),
    b64({ code: 'x', state: 7 }),
    b64({ code: 'x'.repeat(513), state: STATE }),
    b64({ code: 'x', state: 's'.repeat(1025) }),
    Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url'),
    'A'.repeat(10_000),
  ]) {
    assert.equal(decodeConnectionCode(bad), null, bad.slice(0, 60));
  }
});
