// Removing a person's identifiers from stored JSON (run reports, model states, segment snapshots)
// and from any text: every occurrence of a token (an email, a GID, a person id) is replaced, object
// entries keyed by a token are dropped, array elements equal to a token are dropped. Matching
// ignores ASCII case (emails may be stored as typed) and finds WHOLE tokens only, never a token
// inside a longer identifier of someone else:
// - an email must not be preceded by a character that can be part of an email's local part, nor
//   followed by one that can continue its domain (`bob@example.com` is not found in
//   `jbob@example.com`, `x.bob@example.com` or `bob@example.com.au`, and is found in
//   `email:bob@example.com`, `"bob@example.com"` or `bob@example.com: rejected`);
// - any other token (a GID, a person id, a numeric id) must not be preceded or followed by a letter,
//   digit or `_` (nor followed by `-`, `.` or `@` and another letter or digit), so
//   `gid://shopify/Customer/12` is not found in `gid://shopify/Customer/123`;
// - a bare digit token (a numeric customer id) must in addition not touch `/`, `.`, `-`, `+`, `#`,
//   `@` or `:`: `42` is found as a word of its own ("customer 42 failed"), never as the tail of some
//   other GID, a phone number, an order name or a time of day (`10:42:00`). A JSON number or string
//   equal to it is found by `containsExact` (app/privacy/queue-purge.ts), not in the JSON's text.

export const REDACTED = '[redacted]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Characters of an email address's local part (RFC 5322 atext and the dot) and `@`. */
const EMAIL_BEFORE = "(?<![A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-])";
/** What would continue an email's domain. */
const EMAIL_AFTER = '(?![A-Za-z0-9_@-]|\\.[A-Za-z0-9-])';
const WORD_BEFORE = '(?<![A-Za-z0-9_])';
const NUMBER_BEFORE = '(?<![A-Za-z0-9_./+#@:-])';
const NUMBER_AFTER = '(?![A-Za-z0-9_]|[-.@:][A-Za-z0-9])';
const WORD_AFTER = '(?![A-Za-z0-9_]|[-.@][A-Za-z0-9])';

/** The token as a regular expression source that matches it as a whole token only. */
function wholeToken(token: string): string {
  const body = escapeRegExp(token);
  const bareEmail = /^[^:@]+@/.test(token);
  const before = /^[0-9]+$/.test(token) ? NUMBER_BEFORE : bareEmail ? EMAIL_BEFORE : /^[A-Za-z0-9_]/.test(token) ? WORD_BEFORE : '';
  const after = /^[0-9]+$/.test(token) ? NUMBER_AFTER : token.includes('@') ? EMAIL_AFTER : /[A-Za-z0-9_]$/.test(token) ? WORD_AFTER : '';
  return `${before}${body}${after}`;
}

/** One regular expression that finds any of the tokens as whole tokens; null when there are none. */
export function tokenPattern(tokens: readonly string[]): RegExp | null {
  const parts = [...new Set(tokens.filter((t) => t.length > 0))].sort((a, b) => b.length - a.length).map(wholeToken);
  return parts.length === 0 ? null : new RegExp(parts.join('|'), 'gi');
}

/**
 * Whether a JSON value holds one of the (lower-case) ids exactly: a string or a number (as its
 * decimal text) equal to one under an id key (`id`, `customer_id`, `customerId`...), ignoring ASCII
 * case. For numeric ids, which the text pattern cannot tell from other numbers inside JSON text
 * (`"id":42` against `"quantity":42`).
 */
export function containsExact(value: unknown, exact: ReadonlySet<string>): boolean {
  if (exact.size === 0) return false;
  const idKey = (key: string | null) => key !== null && /^ids?$|_ids?$|[a-z0-9]Ids?$/.test(key);
  const walk = (node: unknown, key: string | null): boolean => {
    if (typeof node === 'string') return idKey(key) && exact.has(node.toLowerCase());
    if (typeof node === 'number' || typeof node === 'bigint') return idKey(key) && exact.has(String(node));
    if (Array.isArray(node)) return node.some((item) => walk(item, key));
    if (typeof node === 'object' && node !== null) return Object.entries(node).some(([k, item]) => walk(item, k));
    return false;
  };
  return walk(value, null);
}

/** Whether the text mentions one of the tokens. */
export function mentions(text: string, pattern: RegExp | null): boolean {
  if (pattern === null) return false;
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

/** The value with every mention removed, and whether anything changed. */
export function scrubJson(value: unknown, pattern: RegExp | null): { value: unknown; changed: boolean } {
  if (pattern === null) return { value, changed: false };
  let changed = false;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      if (!mentions(node, pattern)) return node;
      changed = true;
      return node.replace(pattern, REDACTED);
    }
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const item of node) {
        if (typeof item === 'string' && mentions(item, pattern) && item.replace(pattern, '').trim() === '') {
          changed = true; // the element is nothing but the identifier: dropped
          continue;
        }
        out.push(walk(item));
      }
      return out;
    }
    if (typeof node === 'object' && node !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) {
        if (mentions(key, pattern)) {
          changed = true;
          continue;
        }
        out[key] = walk(item);
      }
      return out;
    }
    return node;
  };
  const result = walk(value);
  return { value: changed ? result : value, changed };
}
