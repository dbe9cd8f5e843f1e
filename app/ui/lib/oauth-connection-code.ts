// The HubSpot OAuth "connection code": what the callback page shows when it cannot hand { code, state }
// back to the app window (no opener: Cross-Origin-Opener-Policy, an iframe sandbox, or a window
// opened some other way). The merchant copies it into Settings, which parses it here and completes
// the connection through the API with its session token, as the postMessage path does: the state
// inside still binds it to the shop that started the flow, expires with that state (10 minutes) and
// is single use. The code is base64url of JSON { code, state }: no characters that need escaping in
// HTML, and whitespace a copy may add (line breaks) can be dropped. Used by the server (to make it)
// and by the UI (to read it); plain JS (btoa, atob, TextEncoder) that runs in both.

/** As HubSpotOAuthCompleteRequest bounds them (app/server/api/api-schemas.ts). */
export const MAX_OAUTH_CODE_LENGTH = 512;
export const MAX_OAUTH_STATE_LENGTH = 1024;
/** Longer than any code made from a valid code and state. */
const MAX_CONNECTION_CODE_LENGTH = 4 * Math.ceil((MAX_OAUTH_CODE_LENGTH * 4 + MAX_OAUTH_STATE_LENGTH * 4 + 32) / 3);

export interface OAuthConnection {
  code: string;
  state: string;
}

export function encodeConnectionCode(connection: OAuthConnection): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ code: connection.code, state: connection.state }));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The { code, state } in a pasted connection code (whitespace ignored), or null if it is not one. */
export function decodeConnectionCode(pasted: string): OAuthConnection | null {
  const text = pasted.replace(/\s+/g, '');
  if (text === '' || text.length > MAX_CONNECTION_CODE_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) return null;
  let value: unknown;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { code, state } = value as Record<string, unknown>;
  if (typeof code !== 'string' || typeof state !== 'string') return null;
  if (code === '' || state === '' || code.length > MAX_OAUTH_CODE_LENGTH || state.length > MAX_OAUTH_STATE_LENGTH) return null;
  return { code, state };
}
