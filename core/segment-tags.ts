// Customer tags and native Shopify segments for refined segments.
//
// A segment's tag is `<prefix><key>` (e.g. `refinery:champions`). Shopify facts this relies on:
// a customer has at most 250 tags of at most 255 characters each; tag lists are split on commas;
// tags are compared without regard to case (Shopify Flow "Add customer tags" reference). A native
// segment selects the tag with `customer_tags CONTAINS '<tag>'`, and segment names are unique per
// shop.
import { RefineryError } from './errors.ts';
import type { SegmentDefinition } from './model.ts';

export const MAX_TAG_LENGTH = 255;
export const MAX_TAGS_PER_CUSTOMER = 250;
export const MAX_PREFIX_LENGTH = 40;
export const DEFAULT_TAG_PREFIX = 'refinery:';
export const DEFAULT_SEGMENT_BRAND = 'Refinery';

export type Validation = { valid: true } | { valid: false; reason: string };

const PREFIX_PATTERN = /^[A-Za-z0-9:_-]+$/;
const KEY_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function validateTagPrefix(prefix: string): Validation {
  if (prefix.length === 0) return { valid: false, reason: 'tag prefix must not be empty' };
  if (prefix.length > MAX_PREFIX_LENGTH) {
    return { valid: false, reason: `tag prefix must be at most ${MAX_PREFIX_LENGTH} characters (got ${prefix.length})` };
  }
  if (prefix.includes(',')) return { valid: false, reason: 'tag prefix must not contain a comma (Shopify splits tags on commas)' };
  if (!PREFIX_PATTERN.test(prefix)) {
    return { valid: false, reason: 'tag prefix may contain only letters, digits, ":", "-" and "_"' };
  }
  return { valid: true };
}

/** A segment key is a lower-case slug: `champions`, `at-risk`. */
export function validateSegmentKey(key: string): Validation {
  return KEY_PATTERN.test(key) ? { valid: true } : { valid: false, reason: `segment key must be a lower-case slug (got "${key}")` };
}

/** Any tag Shopify would accept as one tag: non-empty after trimming, no comma, at most 255 characters. */
export function validateTag(tag: string): Validation {
  if (tag.trim().length === 0) return { valid: false, reason: 'tag must not be empty' };
  if (tag.includes(',')) return { valid: false, reason: 'tag must not contain a comma' };
  if (tag.length > MAX_TAG_LENGTH) {
    return { valid: false, reason: `tag must be at most ${MAX_TAG_LENGTH} characters (got ${tag.length})` };
  }
  return { valid: true };
}

function orThrow(result: Validation): void {
  if (!result.valid) throw new RefineryError('VALIDATION', result.reason);
}

/** The tag for a segment: `<prefix><key>`. Throws a VALIDATION error for a bad prefix, key or tag. */
export function segmentTag(prefix: string, key: string): string {
  orThrow(validateTagPrefix(prefix));
  orThrow(validateSegmentKey(key));
  const tag = `${prefix}${key}`;
  orThrow(validateTag(tag));
  return tag;
}

/**
 * Whether a tag is one this app writes: the prefix (compared without case, as Shopify compares
 * tags) followed by a segment key. A tag equal to the bare prefix, or with anything that is not a
 * slug after it, belongs to someone else and is never touched.
 */
export function isOwnTag(tag: string, prefix: string): boolean {
  return segmentKeyOfTag(tag, prefix) !== null;
}

/** The segment key in one of our tags, or null when the tag is not ours. */
export function segmentKeyOfTag(tag: string, prefix: string): string | null {
  if (prefix.length === 0 || tag.length <= prefix.length) return null;
  if (tag.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return null;
  const key = tag.slice(prefix.length).toLowerCase();
  return KEY_PATTERN.test(key) ? key : null;
}

/** A string literal for the segment query language: single quotes, with `\` and `'` escaped. */
export function segmentQueryString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The native segment query that selects the customers carrying `tag`. */
export function segmentQueryForTag(tag: string): string {
  orThrow(validateTag(tag));
  return `customer_tags CONTAINS ${segmentQueryString(tag)}`;
}

/** The native segment name for a refined segment, e.g. `Refinery · Champions`. */
export function segmentName(definition: Pick<SegmentDefinition, 'name'>, brand: string = DEFAULT_SEGMENT_BRAND): string {
  return `${brand} · ${definition.name}`;
}

/**
 * `desired` when no other segment in the shop has that name (compared without case), otherwise
 * the first free `desired (2)`, `desired (3)`, ... Names of segments this app already owns should
 * be left out of `takenNames`.
 */
export function uniqueSegmentName(desired: string, takenNames: Iterable<string>): string {
  const taken = new Set<string>();
  for (const name of takenNames) taken.add(name.toLowerCase());
  if (!taken.has(desired.toLowerCase())) return desired;
  for (let n = 2; ; n += 1) {
    const candidate = `${desired} (${n})`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}
