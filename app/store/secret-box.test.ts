// The secret box: AES-256-GCM sealing with a key ring, the local key file, and its refusals.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RefineryError } from '../../core/errors.ts';
import { createSecretBox, openSecretBox, parseKeyRing } from './secret-box.ts';

const key = () => randomBytes(32).toString('base64');
const dir = mkdtempSync(join(tmpdir(), 'refinery-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const isSecrets = (pattern: RegExp) => (error: unknown) => error instanceof RefineryError && error.code === 'SECRETS' && pattern.test(error.message);

test('a sealed secret opens with its key, never shows the plain text, and differs every time', () => {
  const box = createSecretBox(parseKeyRing(`k1:${key()}`));
  const a = box.seal('shpat_secret_token');
  const b = box.seal('shpat_secret_token');
  assert.match(a, /^enc:v1:k1:[\w-]+:[\w-]+:[\w-]+$/);
  assert.notEqual(a, b);
  assert.ok(!a.includes('shpat'));
  assert.equal(box.open(a), 'shpat_secret_token');
  assert.equal(box.open('plain-legacy'), 'plain-legacy');
  assert.equal(box.keyIdOf(a), 'k1');
  assert.equal(box.isCurrent(a), true);
  assert.equal(box.isCurrent('plain-legacy'), false);
});

test('the ring opens secrets of older keys and seals with the first; an unknown key id or a damaged text is SECRETS', () => {
  const oldKey = `old:${key()}`;
  const old = createSecretBox(parseKeyRing(oldKey));
  const sealed = old.seal('pat-na1-123');
  const ring = createSecretBox(parseKeyRing(`new:${key()},${oldKey}`));
  assert.equal(ring.open(sealed), 'pat-na1-123');
  assert.equal(ring.isCurrent(sealed), false);
  assert.equal(ring.keyIdOf(ring.seal('x')), 'new');
  const other = createSecretBox(parseKeyRing(`other:${key()}`));
  assert.throws(() => other.open(sealed), isSecrets(/key "old".*not in REFINERY_ENCRYPTION_KEYS/));
  const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`;
  assert.throws(() => ring.open(tampered), isSecrets(/does not open/));
  const wrongKey = createSecretBox(parseKeyRing(`old:${key()}`));
  assert.throws(() => wrongKey.open(sealed), isSecrets(/does not open/));
});

test('bad key rings are refused without echoing the key', () => {
  const secret = key();
  for (const text of ['', 'nokeyid', `bad id:${secret}`, 'k:c2hvcnQ=', `a:${secret},a:${secret}`]) {
    assert.throws(() => parseKeyRing(text), (error: unknown) => error instanceof RefineryError && error.code === 'INPUT' && !error.message.includes(secret));
  }
});

test('without keys: a key file made once (mode 0600) with one notice; in production: refused', () => {
  const keyFile = join(dir, 'nested', 'secret.key');
  const notices: string[] = [];
  const first = openSecretBox({ keys: null, keyFile, production: false }, (line) => notices.push(line));
  const sealed = first.seal('token');
  assert.equal((statSync(keyFile).mode & 0o777).toString(8), '600');
  assert.match(readFileSync(keyFile, 'utf8'), /^local:[A-Za-z0-9+/=]+\n$/);
  const second = openSecretBox({ keys: null, keyFile, production: false }, (line) => notices.push(line));
  assert.equal(second.open(sealed), 'token');
  assert.equal(notices.length, 1);
  assert.match(notices[0] ?? '', /REFINERY_ENCRYPTION_KEYS is not set/);
  assert.throws(() => openSecretBox({ keys: null, keyFile, production: true }), (error: unknown) => error instanceof RefineryError && /required when NODE_ENV=production/.test(error.message));
  const fromEnv = openSecretBox({ keys: `prod:${key()}`, keyFile, production: true });
  assert.equal(fromEnv.currentKeyId, 'prod');
});
