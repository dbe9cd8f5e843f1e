// `refinery holdout [--share N]`: show or set the share of each segment held out of write-back.
import { assertHoldoutShare, DEFAULT_HOLDOUT_SHARE, MAX_HOLDOUT_SHARE } from '../../../core/holdout/holdout.ts';
import { RefineryError } from '../../../core/errors.ts';
import { ensureHoldoutSettings } from '../../sync/holdout-cohorts.ts';
import type { CliContext } from '../context.ts';
import { resolveShop } from '../context.ts';
import { percent } from '../format.ts';

export function parseShare(text: string): number {
  const trimmed = text.trim();
  const percentForm = trimmed.endsWith('%');
  const n = Number(percentForm ? trimmed.slice(0, -1) : trimmed);
  const share = percentForm ? n / 100 : n;
  if (trimmed === '' || !Number.isFinite(share) || share < 0 || share > MAX_HOLDOUT_SHARE) {
    throw new RefineryError('INPUT', `--share "${text}" must be a share from 0 to ${MAX_HOLDOUT_SHARE} (or 0% to ${MAX_HOLDOUT_SHARE * 100}%); 0 holds nobody out`);
  }
  assertHoldoutShare(share);
  return share;
}

export async function holdoutCommand(ctx: CliContext, flags: { shop?: string; json?: boolean; share?: string }): Promise<number> {
  const shopId = await resolveShop(ctx, flags.shop);
  const settings = await ctx.store.getShopSettings(shopId);
  if (!settings) throw new RefineryError('NOT_FOUND', `unknown shop ${shopId}`);
  const now = () => new Date();
  let holdout = await ensureHoldoutSettings(ctx.store, shopId, settings, { now });
  if (flags.share !== undefined) {
    const share = parseShare(flags.share);
    // Only the share changes, on the settings as stored now (the salt stays).
    const saved = await ctx.store.updateShopSettings(shopId, (current) => (current ? { ...current, holdout: { salt: (current.holdout ?? holdout).salt, share } } : null), now().toISOString());
    if (!saved?.holdout) throw new RefineryError('NOT_FOUND', `unknown shop ${shopId}`);
    holdout = saved.holdout;
  }
  const cohorts = await ctx.store.listHoldoutCohorts(shopId);
  if (flags.json) {
    ctx.out(JSON.stringify({ shop: shopId, share: holdout.share, defaultShare: DEFAULT_HOLDOUT_SHARE, cohorts: cohorts.map((c) => ({ segmentKey: c.segmentKey, startedAt: c.startedAt, share: c.share, treated: c.treated.length, holdout: c.holdout.length })) }, null, 2));
    return 0;
  }
  ctx.out(`${shopId}: ${percent(holdout.share)} of each segment is held out of write-back${flags.share !== undefined ? ' (saved; applies from the next sync)' : ''}`);
  ctx.out(cohorts.length === 0 ? 'no segment written back yet: lift is measured from each segment\'s first write-back' : `${cohorts.length} segments measured since their first write-back: \`refinery report lift\``);
  return 0;
}
