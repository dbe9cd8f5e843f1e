// `refinery import orders <file.csv>`: order history from a CSV file into the shop's store.
// Bad rows are reported with their line numbers and skipped; good rows are kept.
import { RefineryError } from '../../../core/errors.ts';
import { readOrderFile } from '../../import/read-order-file.ts';
import type { CliContext } from '../context.ts';
import { resolveShop } from '../context.ts';

const PAGE = 1000;
const SHOWN_ERRORS = 25;

export async function importCommand(ctx: CliContext, positionals: string[], flags: { shop?: string; json?: boolean }): Promise<number> {
  const [what, file, ...rest] = positionals;
  if (what !== 'orders' || !file || rest.length > 0) {
    throw new RefineryError('INPUT', 'usage: refinery import orders <file.csv> [--shop S]');
  }
  const shopId = await resolveShop(ctx, flags.shop);
  const result = await readOrderFile(file, (bytes, total) => ctx.progress.update('import', `read ${Math.round((bytes / Math.max(total, 1)) * 100)}%`));
  if (result.format === null) {
    ctx.err(result.errors.map((e) => `line ${e.line}: ${e.message}`).join('\n') || `${file}: not an order file`);
    return 1;
  }
  const now = new Date().toISOString();
  await ctx.store.ensureShop(shopId, now);
  await ctx.store.savePage(shopId, { customers: result.customers });
  for (let i = 0; i < result.orders.length; i += PAGE) {
    await ctx.store.savePage(shopId, { orders: result.orders.slice(i, i + PAGE) });
    ctx.progress.update('import', `saved ${Math.min(i + PAGE, result.orders.length)} of ${result.orders.length} orders`);
  }
  const summary = {
    shop: shopId,
    file,
    format: result.format,
    rows: result.stats.rows,
    orders: result.orders.length,
    customers: result.customers.length,
    guestOrders: result.stats.guestOrders,
    cancelledOrders: result.stats.cancelledOrders,
    rejectedRows: result.errors.length,
    errors: result.errors,
  };
  if (flags.json) {
    ctx.out(JSON.stringify(summary, null, 2));
    return 0;
  }
  ctx.out(`imported ${summary.orders} orders of ${summary.customers} customers from ${file} (${result.format} format) into ${shopId}`);
  ctx.out(`${summary.guestOrders} guest orders, ${summary.cancelledOrders} cancelled; ${summary.rejectedRows} bad rows skipped`);
  for (const e of result.errors.slice(0, SHOWN_ERRORS)) ctx.out(`  line ${e.line}: ${e.message}`);
  if (result.errors.length > SHOWN_ERRORS) ctx.out(`  … and ${result.errors.length - SHOWN_ERRORS} more (use --json for all)`);
  return 0;
}
