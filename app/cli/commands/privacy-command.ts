// `refinery privacy`: Shopify's compliance requests as received and carried out.
//   refinery privacy requests [--shop S] [--json]   every request, newest first (all shops without --shop)
//   refinery privacy show <id> [--shop S]           one request; for a data request, the data assembled
// A data request's data is for the merchant to send to the customer; a redaction shows only counts.
import { RefineryError } from '../../../core/errors.ts';
import { assertShopDomain } from '../../../connectors/shopify/admin-client.ts';
import type { PrivacyRequest } from '../../store/privacy-records.ts';
import type { CliContext } from '../context.ts';
import { table } from '../format.ts';

const USAGE = 'usage: refinery privacy requests [--shop S] [--json] | refinery privacy show <id> [--shop S]';

function summary(r: PrivacyRequest): string {
  const result = r.result ?? {};
  if (r.topic === 'customers/data_request') {
    const count = (key: string) => (Array.isArray(result[key]) ? (result[key] as unknown[]).length : 0);
    return r.status === 'completed' ? `${count('customers')} customers, ${count('orders')} orders, ${count('contacts')} contacts` : '';
  }
  const counts = (result.counts ?? {}) as Record<string, number>;
  return Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ');
}

export async function privacyCommand(ctx: CliContext, positionals: string[], flags: { shop?: string; json?: boolean }): Promise<number> {
  const [what = 'requests', id, ...rest] = positionals;
  const shopId = flags.shop ? assertShopDomain(flags.shop) : null;
  if (what === 'requests' && id === undefined) {
    const requests = await ctx.store.listPrivacyRequests(shopId, { limit: 1000 });
    if (flags.json) {
      ctx.out(JSON.stringify(requests.map(({ payload: _p, result: _r, ...r }) => r), null, 2));
      return 0;
    }
    if (requests.length === 0) {
      ctx.out('no compliance requests received');
      return 0;
    }
    ctx.out(table(['id', 'shop', 'topic', 'customer', 'status', 'received', 'completed', 'result'], requests.map((r) => [
      r.id, r.shopId, r.topic, r.subject ?? '', r.status, r.receivedAt, r.completedAt ?? '', summary(r),
    ])));
    return 0;
  }
  if (what === 'show' && id !== undefined && rest.length === 0) {
    const shops = shopId ? [shopId] : (await ctx.store.listShops()).map((s) => s.shopId);
    for (const shop of shops) {
      const request = await ctx.store.getPrivacyRequest(shop, id);
      if (request) {
        ctx.out(JSON.stringify({ shopId: shop, ...request }, null, 2));
        return 0;
      }
    }
    throw new RefineryError('NOT_FOUND', `no compliance request ${id}${shopId ? ` for ${shopId}` : ''}`);
  }
  throw new RefineryError('INPUT', USAGE);
}
