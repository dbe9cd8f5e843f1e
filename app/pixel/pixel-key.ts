// The shop key of the web pixel: the pixel's settings carry it (app/pixel/activate-pixel.ts) and
// every batch the pixel sends repeats it, so that the endpoint takes events only from a pixel this
// app activated on that shop. It is derived, never stored: HMAC-SHA256 of `pixel:<shop>` with the
// app's secret, base64url. It is not a secret from the shop's visitors (the pixel runs in their
// browsers): it stops forged shop names and keys made up for shops, not a visitor who copies it,
// which the rate limits bound.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function pixelKey(appSecret: string, shop: string): string {
  return createHmac('sha256', appSecret).update(`pixel:${shop}`, 'utf8').digest('base64url');
}

/** Whether `given` is the shop's key, compared in constant time. */
export function pixelKeyMatches(appSecret: string, shop: string, given: string): boolean {
  const expected = Buffer.from(pixelKey(appSecret, shop), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
