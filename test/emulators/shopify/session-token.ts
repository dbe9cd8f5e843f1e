// Session tokens as the Shopify admin issues them to embedded apps (App Bridge's idToken()): HS256
// JWTs signed with the app's client secret, with Shopify's claims.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export interface SessionTokenInput {
  shop: string;
  /** The app's client id (the token's audience). */
  apiKey: string;
  /** The app's client secret (the signing key). */
  apiSecret: string;
  /** The staff member's user id (sub); default '1'. */
  userId?: string | number;
  /** Issue time; default now. */
  now?: Date;
  /** Lifetime in seconds; Shopify's are one minute. */
  ttlSeconds?: number;
}

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export function signSessionToken(input: SessionTokenInput): string {
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const claims: SessionTokenClaims = {
    iss: `https://${input.shop}/admin`,
    dest: `https://${input.shop}`,
    aud: input.apiKey,
    sub: String(input.userId ?? '1'),
    exp: iat + (input.ttlSeconds ?? 60),
    nbf: iat,
    iat,
    jti: randomUUID(),
    sid: randomUUID().replace(/-/g, ''),
  };
  const unsigned = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac('sha256', input.apiSecret).update(unsigned).digest('base64url')}`;
}

/** The claims of a token signed with `apiSecret` for `apiKey` and valid at `now`; null otherwise. */
export function verifySessionToken(token: string, apiKey: string, apiSecret: string, now = new Date()): SessionTokenClaims | null {
  const [header, payload, signature, ...rest] = token.split('.');
  if (!header || !payload || !signature || rest.length > 0) return null;
  const expected = createHmac('sha256', apiSecret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: SessionTokenClaims;
  try {
    if ((JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string }).alg !== 'HS256') return null;
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionTokenClaims;
  } catch {
    return null;
  }
  const seconds = now.getTime() / 1000;
  if (claims.aud !== apiKey || typeof claims.exp !== 'number' || claims.exp < seconds || claims.nbf > seconds + 5) return null;
  return claims;
}
