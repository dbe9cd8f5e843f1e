// Entry of the customer insights admin block (target admin.customer-details.block.render, 2025-10+
// Preact API): Shopify loads this module and calls its default export; the block renders into
// document.body. The customer is `shopify.data.selected[0].id`; the data comes from the app's
// GET /api/customers/:id/insights, fetched with a relative URL (resolved against the app's URL, the
// session token added by Shopify).
import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import type { Api } from '@shopify/ui-extensions/admin.customer-details.block.render';
import { CustomerInsightsBlock } from './insights-block.tsx';
import { customerIdFromData, loadInsights } from './view-model.ts';

declare const shopify: Api;

export default async () => {
  const customerId = customerIdFromData(shopify.data);
  const load = () => loadInsights((url, init) => fetch(url, init), customerId, () => new Date());
  render(<CustomerInsightsBlock load={load} />, document.body);
};
