// Removing a person's identifiers from stored JSON (run reports, model states, segment snapshots)
// and from any text: every occurrence of a token (an email, a GID, a person id) is replaced, object
// entries keyed by a token are dropped, array elements equal to a token are dropped. Matching
// ignores ASCII case (emails may be stored as typed). Bare digit tokens (a numeric customer id)
// match only between non-digits, so `42` does not match inside `1423`.

export const REDACTED = '[redacted]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One regular expression that finds any of the tokens; null when there are none. */
export function tokenPattern(tokens: readonly string[]): RegExp | null {
  const parts = [...new Set(tokens.filter((t) => t.length > 0))]
    .sort((a, b) => b.length - a.length)
    .map((t) => (/^[0-9]+$/.test(t) ? `(?<![0-9])${t}(?![0-9])` : escapeRegExp(t)));
  return parts.length === 0 ? null : new RegExp(parts.join('|'), 'gi');
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
