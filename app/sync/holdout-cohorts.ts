// Holdouts in the sync: the shop's holdout settings (a salt chosen once, stored, and the share),
// and the lift cohorts recorded at each segment's first write-back (core/holdout/holdout.md).
import { randomBytes } from 'node:crypto';
import { DEFAULT_HOLDOUT_SHARE, type MembershipSplit } from '../../core/holdout/holdout.ts';
import { RefineryError } from '../../core/errors.ts';
import { compareStrings } from '../../core/instant.ts';
import type { HoldoutSettings, ShopSettings, Store } from '../store/store.ts';

/**
 * The shop's holdout settings; on first use a random salt and the default share are saved, unless
 * another writer saved holdout settings meanwhile (then theirs are used: the salt is chosen once).
 */
export async function ensureHoldoutSettings(store: Store, shopId: string, settings: ShopSettings, deps: { now: () => Date }): Promise<HoldoutSettings> {
  if (settings.holdout) return settings.holdout;
  const chosen: HoldoutSettings = { share: DEFAULT_HOLDOUT_SHARE, salt: randomBytes(16).toString('hex') };
  const stored = await store.updateShopSettings(shopId, (current) => (current && !current.holdout ? { ...current, holdout: chosen } : null), deps.now().toISOString());
  if (!stored) throw new RefineryError('NOT_FOUND', `unknown shop ${shopId}`);
  if (!stored.holdout) throw new RefineryError('INTERNAL', `the holdout settings of ${shopId} were not saved`);
  return stored.holdout;
}

/**
 * Records the treated and holdout groups of every segment written back for the first time (with
 * at least one member). Segments that already have a cohort keep it. Returns how many started.
 */
export async function recordCohorts(store: Store, shopId: string, split: MembershipSplit, share: number, at: string): Promise<number> {
  const started = new Set((await store.listHoldoutCohorts(shopId)).map((c) => c.segmentKey));
  let count = 0;
  for (const [segmentKey, treated] of split.treated) {
    if (started.has(segmentKey)) continue;
    const holdout = split.holdout.get(segmentKey) ?? new Set<string>();
    if (treated.size + holdout.size === 0) continue;
    const recorded = await store.startHoldoutCohort(shopId, {
      segmentKey,
      startedAt: at,
      share,
      treated: [...treated].sort(compareStrings),
      holdout: [...holdout].sort(compareStrings),
    });
    if (recorded) count += 1;
  }
  return count;
}
