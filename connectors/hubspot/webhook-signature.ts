// HubSpot request signature v3 (X-HubSpot-Signature-v3 with X-HubSpot-Request-Timestamp).
//
// HubSpot's rules ("Validating requests", developers.hubspot.com/docs/apps/developer-platform/
// build-apps/authentication/request-validation, and the legacy-apps page of the same name):
// 1. Reject the request if the timestamp is older than 5 minutes. The timestamp is epoch
//    MILLISECONDS (HubSpot's own client, @hubspot/api-client Signature.isValid, compares it with
//    Date.now() against MAX_ALLOWED_TIMESTAMP = 300000). We also reject one more than 5 minutes in
//    the future: a clock that far ahead is not HubSpot's.
// 2. In the request URI, decode these URL-encoded characters (and only these):
//    %3A : | %2F / | %3F ? | %40 @ | %21 ! | %24 $ | %27 ' | %28 ( | %29 ) | %2A * | %2C , | %3B ;
//    The "?" that starts the query string is not encoded and stays as it is.
// 3. source = method + uri + raw body + timestamp (UTF-8); signature = base64(HMAC-SHA256 keyed
//    with the app's client secret over source).
// 4. Compare in constant time.
// The URI is the full URL HubSpot called: scheme, host, path and query exactly as sent
// (e.g. https://app.example.com/webhooks/hubspot?shop=x), not only the path Express sees; behind a
// proxy, build it from the configured public origin plus the original URL.
// Expected failures are values: nothing here throws for a bad request.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** HubSpot: reject requests whose timestamp is older than 5 minutes. */
export const HUBSPOT_SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;
export const HUBSPOT_SIGNATURE_V3_HEADER = 'x-hubspot-signature-v3';
export const HUBSPOT_TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';

export type SignatureFailure =
  | 'missing-secret'
  | 'missing-signature'
  | 'missing-timestamp'
  | 'invalid-timestamp'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'signature-mismatch';

export type SignatureCheck = { valid: true } | { valid: false; reason: SignatureFailure };

export interface HubSpotSignatureV3Input {
  /** The request method as received (`POST`). */
  method: string;
  /** The full request URL as HubSpot called it; decoded here per HubSpot's table. */
  uri: string;
  /** The raw request body, byte for byte (never a re-serialised JSON). */
  rawBody: string | Uint8Array;
  /** X-HubSpot-Signature-v3. */
  signature: string | null | undefined;
  /** X-HubSpot-Request-Timestamp: epoch milliseconds, as a decimal string. */
  timestamp: string | null | undefined;
  clientSecret: string;
  /** The current time (epoch ms or Date): a parameter, so tests and replays are deterministic. */
  now: number | Date;
  /** How far the timestamp may be from now, either way. Default 5 minutes. */
  maxAgeMs?: number;
}

const DECODED: Readonly<Record<string, string>> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};
const ENCODED = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/**
 * The URI as HubSpot signs it: the twelve characters of HubSpot's table decoded, everything else
 * (e.g. %20, %25, %2B) left encoded. One pass: `%253A` stays `%253A`. Hex digits match in either
 * case (RFC 3986 makes them equivalent).
 */
export function hubSpotSignedUri(uri: string): string {
  return uri.replace(ENCODED, (match, hex: string) => DECODED[hex.toUpperCase()] ?? match);
}

/** The expected v3 signature: base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)). */
export function computeHubSpotSignatureV3(input: {
  method: string;
  uri: string;
  rawBody: string | Uint8Array;
  timestamp: string;
  clientSecret: string;
}): string {
  const hmac = createHmac('sha256', input.clientSecret);
  hmac.update(input.method.toUpperCase() + hubSpotSignedUri(input.uri), 'utf8');
  if (typeof input.rawBody === 'string') hmac.update(input.rawBody, 'utf8');
  else hmac.update(input.rawBody);
  hmac.update(input.timestamp, 'utf8');
  return hmac.digest('base64');
}

const TIMESTAMP = /^[0-9]{1,16}$/;

/** Verify a HubSpot v3 signature. Never throws for a bad request: failures are values. */
export function verifyHubSpotSignatureV3(input: HubSpotSignatureV3Input): SignatureCheck {
  if (input.clientSecret === '') return { valid: false, reason: 'missing-secret' };
  if (input.signature == null || input.signature === '') return { valid: false, reason: 'missing-signature' };
  if (input.timestamp == null || input.timestamp === '') return { valid: false, reason: 'missing-timestamp' };
  if (!TIMESTAMP.test(input.timestamp)) return { valid: false, reason: 'invalid-timestamp' };
  const timestampMs = Number(input.timestamp);
  if (!Number.isSafeInteger(timestampMs)) return { valid: false, reason: 'invalid-timestamp' };

  const nowMs = typeof input.now === 'number' ? input.now : input.now.getTime();
  const maxAgeMs = input.maxAgeMs ?? HUBSPOT_SIGNATURE_MAX_AGE_MS;
  if (!Number.isFinite(nowMs)) return { valid: false, reason: 'invalid-timestamp' };
  if (nowMs - timestampMs > maxAgeMs) return { valid: false, reason: 'stale-timestamp' };
  if (timestampMs - nowMs > maxAgeMs) return { valid: false, reason: 'future-timestamp' };

  const expected = Buffer.from(
    computeHubSpotSignatureV3({
      method: input.method,
      uri: input.uri,
      rawBody: input.rawBody,
      timestamp: input.timestamp,
      clientSecret: input.clientSecret,
    }),
    'utf8',
  );
  const given = Buffer.from(input.signature, 'utf8');
  if (given.length !== expected.length) return { valid: false, reason: 'signature-mismatch' };
  return timingSafeEqual(given, expected) ? { valid: true } : { valid: false, reason: 'signature-mismatch' };
}
