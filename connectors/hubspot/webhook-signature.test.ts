import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { Signature } from '@hubspot/api-client';
import {
  HUBSPOT_SIGNATURE_MAX_AGE_MS,
  computeHubSpotSignatureV3,
  hubSpotSignedUri,
  verifyHubSpotSignatureV3,
  type HubSpotSignatureV3Input,
} from './webhook-signature.ts';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const NOW = Date.parse('2025-03-01T12:00:00Z');
const URI = 'https://app.example.com/webhooks/hubspot?shop=demo.myshopify.com';
const BODY = '[{"eventId":1,"subscriptionId":2,"portalId":62515,"appId":54321,"occurredAt":1740830400000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123}]';

/** What HubSpot does, written out independently of the module under test. */
function hubSpotSigns(method: string, signedUri: string, body: string, timestamp: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(`${method}${signedUri}${body}${timestamp}`, 'utf8').digest('base64');
}

function input(overrides: Partial<HubSpotSignatureV3Input> = {}): HubSpotSignatureV3Input {
  const timestamp = String(NOW - 1000);
  return {
    method: 'POST',
    uri: URI,
    rawBody: BODY,
    timestamp,
    signature: hubSpotSigns('POST', URI, BODY, timestamp),
    clientSecret: SECRET,
    now: NOW,
    ...overrides,
  };
}

test('a request signed as HubSpot documents is valid', () => {
  assert.deepEqual(verifyHubSpotSignatureV3(input()), { valid: true });
});

test('agrees with the official client (@hubspot/api-client Signature.getSignature v3)', () => {
  const timestamp = NOW - 1000;
  const official = Signature.getSignature('POST', 'v3', {
    clientSecret: SECRET,
    requestBody: BODY,
    url: URI,
    timestamp,
    signature: '',
  });
  assert.equal(computeHubSpotSignatureV3({ method: 'POST', uri: URI, rawBody: BODY, timestamp: String(timestamp), clientSecret: SECRET }), official);
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp: String(timestamp), signature: official })), { valid: true });
});

test('the raw body may be bytes: UTF-8 bodies sign the same as their string', () => {
  const body = '[{"propertyName":"firstname","propertyValue":"Zoë 😀"}]';
  const timestamp = String(NOW);
  const signature = hubSpotSigns('POST', URI, body, timestamp);
  assert.deepEqual(verifyHubSpotSignatureV3(input({ rawBody: Buffer.from(body, 'utf8'), timestamp, signature })), { valid: true });
  assert.deepEqual(verifyHubSpotSignatureV3(input({ rawBody: new TextEncoder().encode(body), timestamp, signature })), { valid: true });
});

test('a tampered body, uri, method, timestamp or secret is a mismatch', () => {
  const good = input();
  assert.deepEqual(verifyHubSpotSignatureV3({ ...good, rawBody: BODY.replace('123', '124') }), { valid: false, reason: 'signature-mismatch' });
  assert.deepEqual(verifyHubSpotSignatureV3({ ...good, uri: URI.replace('demo', 'other') }), { valid: false, reason: 'signature-mismatch' });
  assert.deepEqual(verifyHubSpotSignatureV3({ ...good, method: 'PUT' }), { valid: false, reason: 'signature-mismatch' });
  assert.deepEqual(verifyHubSpotSignatureV3({ ...good, timestamp: String(NOW - 2000) }), { valid: false, reason: 'signature-mismatch' });
  assert.deepEqual(verifyHubSpotSignatureV3({ ...good, clientSecret: 'other-secret' }), { valid: false, reason: 'signature-mismatch' });
  assert.deepEqual(verifyHubSpotSignatureV3({ ...good, rawBody: `${BODY} ` }), { valid: false, reason: 'signature-mismatch' }, 'a re-serialised body fails');
});

test('a signature of another length is invalid without throwing', () => {
  for (const signature of ['x', 'c2hvcnQ=', `${input().signature ?? ''}A`, 'é'.repeat(44)]) {
    assert.deepEqual(verifyHubSpotSignatureV3(input({ signature })), { valid: false, reason: 'signature-mismatch' });
  }
});

test('a hex digest (v1/v2 style) of the right data is not a v3 signature', () => {
  const timestamp = String(NOW);
  const hex = createHmac('sha256', SECRET).update(`POST${URI}${BODY}${timestamp}`).digest('hex');
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp, signature: hex })), { valid: false, reason: 'signature-mismatch' });
});

test('missing signature, timestamp or secret', () => {
  assert.deepEqual(verifyHubSpotSignatureV3(input({ signature: undefined })), { valid: false, reason: 'missing-signature' });
  assert.deepEqual(verifyHubSpotSignatureV3(input({ signature: '' })), { valid: false, reason: 'missing-signature' });
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp: null })), { valid: false, reason: 'missing-timestamp' });
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp: '' })), { valid: false, reason: 'missing-timestamp' });
  assert.deepEqual(verifyHubSpotSignatureV3(input({ clientSecret: '' })), { valid: false, reason: 'missing-secret' });
});

test('a timestamp that is not epoch milliseconds is invalid', () => {
  for (const timestamp of ['abc', '1.5e12', '-1000', ' 1740830400000', '2025-03-01T12:00:00Z', '0x1F', '99999999999999999']) {
    assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp })), { valid: false, reason: 'invalid-timestamp' }, timestamp);
  }
});

test('stale: older than 5 minutes is rejected, even with a correct signature', () => {
  const edge = String(NOW - HUBSPOT_SIGNATURE_MAX_AGE_MS);
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp: edge, signature: hubSpotSigns('POST', URI, BODY, edge) })), { valid: true }, 'exactly 5 minutes is still accepted');
  const stale = String(NOW - HUBSPOT_SIGNATURE_MAX_AGE_MS - 1);
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp: stale, signature: hubSpotSigns('POST', URI, BODY, stale) })), { valid: false, reason: 'stale-timestamp' });
  const seconds = String(Math.floor(NOW / 1000));
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp: seconds, signature: hubSpotSigns('POST', URI, BODY, seconds) })), { valid: false, reason: 'stale-timestamp' }, 'seconds are not milliseconds');
});

test('more than 5 minutes in the future is rejected', () => {
  const future = String(NOW + HUBSPOT_SIGNATURE_MAX_AGE_MS + 1);
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp: future, signature: hubSpotSigns('POST', URI, BODY, future) })), { valid: false, reason: 'future-timestamp' });
  const ahead = String(NOW + 60_000);
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp: ahead, signature: hubSpotSigns('POST', URI, BODY, ahead) })), { valid: true });
});

test('now may be a Date; the tolerance is a parameter', () => {
  const old = String(NOW - 10 * 60_000);
  const signature = hubSpotSigns('POST', URI, BODY, old);
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp: old, signature, now: new Date(NOW) })), { valid: false, reason: 'stale-timestamp' });
  assert.deepEqual(verifyHubSpotSignatureV3(input({ timestamp: old, signature, maxAgeMs: 15 * 60_000 })), { valid: true });
});

test('URI: the twelve characters of HubSpot\'s table are decoded, nothing else', () => {
  assert.equal(
    hubSpotSignedUri('https://x.io/hook?a=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B'),
    "https://x.io/hook?a=:/?@!$'()*,;",
  );
  assert.equal(hubSpotSignedUri('https://x.io/hook?a=%3a%2f'), 'https://x.io/hook?a=:/', 'lower-case hex too');
  assert.equal(hubSpotSignedUri('https://x.io/hook?q=a%20b%2Bc%25d%26e%3Df'), 'https://x.io/hook?q=a%20b%2Bc%25d%26e%3Df');
  assert.equal(hubSpotSignedUri('https://x.io/hook?q=%253A'), 'https://x.io/hook?q=%253A', 'one pass: no double decoding');
});

test('a request whose URI has encoded characters verifies against the decoded URI HubSpot signs', () => {
  const received = 'https://app.example.com/webhooks/hubspot?shop=demo%3Amain&tag=a%2Cb%20c';
  const signed = "https://app.example.com/webhooks/hubspot?shop=demo:main&tag=a,b%20c";
  const timestamp = String(NOW);
  const signature = hubSpotSigns('POST', signed, BODY, timestamp);
  assert.deepEqual(verifyHubSpotSignatureV3(input({ uri: received, timestamp, signature })), { valid: true });
  assert.deepEqual(verifyHubSpotSignatureV3(input({ uri: signed, timestamp, signature })), { valid: true });
  const signedRaw = hubSpotSigns('POST', received, BODY, timestamp);
  assert.deepEqual(verifyHubSpotSignatureV3(input({ uri: received, timestamp, signature: signedRaw })), { valid: false, reason: 'signature-mismatch' });
});

test('never throws, whatever the headers hold', () => {
  const odd: Array<Partial<HubSpotSignatureV3Input>> = [
    { signature: '\u0000'.repeat(44) },
    { signature: '😀'.repeat(11) },
    { timestamp: '١٢٣' },
    { now: Number.NaN },
    { rawBody: new Uint8Array([0xff, 0xfe, 0x00]) },
  ];
  for (const overrides of odd) {
    assert.doesNotThrow(() => verifyHubSpotSignatureV3(input(overrides)));
    assert.equal(verifyHubSpotSignatureV3(input(overrides)).valid, false);
  }
});
