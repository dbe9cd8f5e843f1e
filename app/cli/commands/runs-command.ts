// `refinery runs`: the shop's sync history, newest first.
import type { CliContext } from '../context.ts';
import { resolveShop } from '../context.ts';
import { table } from '../format.ts';

export async function runsCommand(ctx: CliContext, flags: { shop?: string; json?: boolean }): Promise<number> {
  const shopId = await resolveShop(ctx, flags.shop);
  const runs = await ctx.store.listRuns(shopId, 50);
  if (flags.json) {
    ctx.out(JSON.stringify(runs, null, 2));
    return 0;
  }
  const wrote = (r: Record<string, unknown>) => {
    const s = (r.wrote as { shopify?: Record<string, number> } | undefined)?.shopify;
    return s ? `+${s.tagsAdded ?? 0} -${s.tagsRemoved ?? 0} tags, ${s.segmentsCreated ?? 0}/${s.segmentsUpdated ?? 0} segments` : '';
  };
  ctx.out(table(['started', 'trigger', 'status', 'wrote', 'errors'], runs.map((r) => [
    r.startedAt, r.trigger, r.status, wrote(r.report), String((r.report.errors as unknown[] | undefined)?.length ?? 0),
  ])));
  return 0;
}
