// Deterministic holdouts: per segment, a share of the members is kept out of the write-back so
// that a lift report can compare people who got the segment's tags/lists (treated) with people
// who qualified but did not (holdout). The rules (see holdout.md):
// - A person is held out of a segment when unitHash(salt, segmentKey, personId) < share. The hash
//   is MurmurHash3 x86_32 (core/holdout/hash.ts), a point in [0, 1) that is uniform over ids.
// - The decision depends on that one person, segment and salt only: members joining or leaving
//   never move anybody else; the same inputs give the same answer on every run and machine.
// - Growing the share only adds people (u < 0.05 implies u < 0.10); shrinking it only releases.
// - The segment key is hashed too, so each segment has its own, independent holdout: the
//   holdouts of two segments overlap in about share^2 of their common members, not all of them.
// - The salt is per shop (a random string chosen once and stored), so the same person id does not
//   land in the same group in every shop. It must not change, or every holdout is redrawn.
// - Hash the person id (core/identity.ts), before person memberships become Shopify customer
//   memberships: all Shopify customers and the HubSpot contact of a person are held out together.
import type { Memberships } from '../model.ts';
import { RefineryError } from '../errors.ts';
import { compareStrings } from '../instant.ts';
import { unitHash } from './hash.ts';

/** The share held out when nothing else is configured: 10 %. */
export const DEFAULT_HOLDOUT_SHARE = 0.1;
/** The largest share allowed: beyond half, the "holdout" would be the main group. */
export const MAX_HOLDOUT_SHARE = 0.5;

/** Throws a VALIDATION error unless 0 <= share <= 0.5. A share of 0 holds nobody out. */
export function assertHoldoutShare(share: number): void {
  if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > MAX_HOLDOUT_SHARE) {
    throw new RefineryError('VALIDATION', `holdout share must be a number from 0 to ${MAX_HOLDOUT_SHARE}, got ${String(share)}`);
  }
}

function assertSalt(salt: string): void {
  if (typeof salt !== 'string' || salt === '') {
    throw new RefineryError('VALIDATION', 'holdout salt must be a non-empty string (one per shop, kept forever)');
  }
}

/** The person's point in [0, 1) for a segment: held out when it is below the share. */
export function holdoutPoint(personId: string, segmentKey: string, salt: string): number {
  return unitHash([salt, segmentKey, personId]);
}

/** True when the person is in the holdout of the segment. */
export function isHeldOut(personId: string, segmentKey: string, share: number, salt: string): boolean {
  assertHoldoutShare(share);
  assertSalt(salt);
  return holdoutPoint(personId, segmentKey, salt) < share;
}

export interface HoldoutSplit {
  /** Members who get the segment written back, sorted and de-duplicated. */
  treated: string[];
  /** Members kept out of the write-back, sorted and de-duplicated. */
  holdout: string[];
}

/** Split a segment's members (person ids) into treated and holdout. */
export function splitMembers(members: Iterable<string>, segmentKey: string, share: number, salt: string): HoldoutSplit {
  assertHoldoutShare(share);
  assertSalt(salt);
  const unique = [...new Set(members)].sort(compareStrings);
  const treated: string[] = [];
  const holdout: string[] = [];
  for (const personId of unique) {
    if (share > 0 && holdoutPoint(personId, segmentKey, salt) < share) holdout.push(personId);
    else treated.push(personId);
  }
  return { treated, holdout };
}

export interface HoldoutOptions {
  /** Per-shop salt (see the rules above). */
  salt: string;
  /** Share for segments without their own; default 10 %. */
  share?: number;
  /** Share per segment key, overriding `share` (0 turns the holdout off for that segment). */
  shareBySegment?: Readonly<Record<string, number>> | ReadonlyMap<string, number>;
}

export interface MembershipSplit {
  /** What to write back: every segment key of the input, holdout members removed. */
  treated: Memberships;
  /** Who was held out, per segment key (an empty set when nobody was). */
  holdout: Memberships;
}

/** The share that applies to a segment under these options. */
export function holdoutShareFor(segmentKey: string, options: Omit<HoldoutOptions, 'salt'>): number {
  const bySegment = options.shareBySegment;
  let share: number | undefined;
  if (bySegment instanceof Map) share = bySegment.get(segmentKey);
  else if (bySegment !== undefined && Object.hasOwn(bySegment, segmentKey)) share = (bySegment as Record<string, number>)[segmentKey];
  share ??= options.share ?? DEFAULT_HOLDOUT_SHARE;
  assertHoldoutShare(share);
  return share;
}

/** Split person memberships (segment key -> person ids) into what to write back and the holdouts. */
export function splitMemberships(memberships: Memberships, options: HoldoutOptions): MembershipSplit {
  assertSalt(options.salt);
  const treated: Memberships = new Map();
  const holdout: Memberships = new Map();
  for (const [segmentKey, members] of memberships) {
    const split = splitMembers(members, segmentKey, holdoutShareFor(segmentKey, options), options.salt);
    treated.set(segmentKey, new Set(split.treated));
    holdout.set(segmentKey, new Set(split.holdout));
  }
  return { treated, holdout };
}
