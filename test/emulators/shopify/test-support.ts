// Helpers for the emulator's own tests: plain-fetch GraphQL calls, sample data, bulk polling.
import type { SeedCustomer, SeedOrder, ShopifyEmulator } from './index.ts';

export const SHOP = 'alpha.myshopify.com';
export const TOKEN = 'shpat_alpha';
export const OTHER_SHOP = 'beta.myshopify.com';
export const OTHER_TOKEN = 'shpat_beta';

export interface GraphqlResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: unknown;
    extensions?: { cost?: CostExtension; search?: unknown[] };
  };
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export function graphqlUrl(emulator: ShopifyEmulator, shop = SHOP, version = emulator.apiVersion): string {
  return `${emulator.origin}/shops/${shop}/admin/api/${version}/graphql.json`;
}

export async function gql(
  emulator: ShopifyEmulator,
  query: string,
  variables: Record<string, unknown> = {},
  options: { shop?: string; token?: string; version?: string } = {},
): Promise<GraphqlResponse> {
  const response = await fetch(graphqlUrl(emulator, options.shop ?? SHOP, options.version), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': options.token ?? TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as GraphqlResponse['body']) };
}

/** `data` of a successful response; fails loudly on errors. */
export async function data<T = Record<string, unknown>>(emulator: ShopifyEmulator, query: string, variables: Record<string, unknown> = {}, options: { shop?: string; token?: string } = {}): Promise<T> {
  const response = await gql(emulator, query, variables, options);
  if (response.status !== 200 || response.body.errors) throw new Error(`GraphQL failed (${response.status}): ${JSON.stringify(response.body)}`);
  return response.body.data as T;
}

const DAY = 86_400_000;

export function sampleCustomers(count: number, start = Date.UTC(2024, 0, 1)): SeedCustomer[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    email: `customer${i + 1}@example.com`,
    firstName: `First${i + 1}`,
    lastName: `Last${i + 1}`,
    marketingState: i % 3 === 0 ? 'SUBSCRIBED' : 'NOT_SUBSCRIBED',
    tags: i % 2 === 0 ? ['vip'] : [],
    createdAt: new Date(start + i * DAY).toISOString(),
    updatedAt: new Date(start + i * DAY + 3_600_000).toISOString(),
  }));
}

/** `perCustomer` orders for each of customers 1..customerCount, two line items each. */
export function sampleOrders(customerCount: number, perCustomer: number, start = Date.UTC(2024, 1, 1)): SeedOrder[] {
  const orders: SeedOrder[] = [];
  for (let c = 1; c <= customerCount; c++) {
    for (let k = 0; k < perCustomer; k++) {
      const created = new Date(start + (orders.length + 1) * DAY).toISOString();
      orders.push({
        customerId: c,
        email: `customer${c}@example.com`,
        createdAt: created,
        processedAt: created,
        updatedAt: created,
        cancelledAt: null,
        currency: 'USD',
        discount: 5,
        lineItems: [
          { title: 'Blue Mug', quantity: 2, price: 12.5, productType: 'Kitchen', vendor: 'Acme', sku: 'MUG-1' },
          { title: 'Tea Towel', quantity: 1, price: 9.99, productType: 'Textiles', vendor: 'Acme', sku: 'TOWEL-1' },
        ],
        refunds: k === 0 ? [{ amount: 9.99, createdAt: created }] : [],
      });
    }
  }
  return orders;
}

export interface BulkStatus {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  url: string | null;
  partialDataUrl: string | null;
  fileSize: string | null;
}

export async function waitForBulk(emulator: ShopifyEmulator, id: string, options: { shop?: string; token?: string } = {}): Promise<BulkStatus> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const result = await data<{ bulkOperation: BulkStatus }>(
      emulator,
      'query($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount url partialDataUrl fileSize } }',
      { id },
      options,
    );
    const op = result.bulkOperation;
    if (!['CREATED', 'RUNNING', 'CANCELING'].includes(op.status)) return op;
    if (Date.now() > deadline) throw new Error(`Bulk operation ${id} still ${op.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function readJsonl(url: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
