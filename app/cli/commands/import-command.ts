// `refinery import orders <file.csv>`: order history from a CSV file into the shop's store.
// Bad rows are reported with their line numbers and skipped; good rows are kept.
import { RefineryError } from '../../../core/errors.ts';
import { readOrderFile } from '../../import/read-order-file.ts';
import { loadSuppression } from '../../privacy/suppression.ts';
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
  // Customers redacted earlier (customers/redact), and their orders, are not stored again.
  const suppression = await loadSuppression(ctx.store, shopId);
  const customers = suppression.filterPage({ customers: result.customers });
  const orders = suppression.filterPage({ orders: result.orders });
  await ctx.store.savePage(shopId, customers.page);
  const kept = orders.page.orders ?? [];
  for (let i = 0; i < kept.length; i += PAGE) {
    await ctx.store.savePage(shopId, { orders: kept.slice(i, i + PAGE) });
    ctx.progress.update('import', `saved ${Math.min(i + PAGE, kept.length)} of ${kept.length} orders`);
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
    suppressedRecords: customers.dropped + orders.dropped,
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
