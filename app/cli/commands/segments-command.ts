// `refinery segments`: the last computed segments with size and revenue share.
import type { CliContext } from '../context.ts';
import { resolveShop } from '../context.ts';
import { percent, table } from '../format.ts';

export async function segmentsCommand(ctx: CliContext, flags: { shop?: string; json?: boolean }): Promise<number> {
  const shopId = await resolveShop(ctx, flags.shop);
  const snapshot = await ctx.store.listSegmentSnapshot(shopId);
  if (flags.json) {
    ctx.out(JSON.stringify(snapshot.map((s) => ({ key: s.definition.key, kind: s.definition.kind, name: s.definition.name, description: s.definition.description, size: s.size, revenue: s.revenue, revenueShare: s.revenueShare, computedAt: s.computedAt })), null, 2));
    return 0;
  }
  if (snapshot.length === 0) {
    ctx.out(`no segments computed for ${shopId} yet: run \`refinery sync\``);
    return 0;
  }
  ctx.out(`segments of ${shopId}, as of ${snapshot[0]?.computedAt ?? '?'}`);
  ctx.out(table(
    ['segment', 'kind', 'key', 'people', 'revenue share', 'what it means'],
    snapshot.map((s) => [s.definition.name, s.definition.kind, s.definition.key, s.size.toLocaleString('en'), percent(s.revenueShare), s.definition.description]),
    new Set([3, 4]),
  ));
  return 0;
}
