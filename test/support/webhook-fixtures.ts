// Shopify webhook bodies in the documented REST shape (snake_case, money as decimal strings,
// numeric ids beside their GraphQL GIDs), for tests that drive the real-time path.

export interface OrderWebhookInput {
  orderId: number;
  customer: { id: number; email: string; createdAt?: string; updatedAt?: string } | null;
  at: string;
  updatedAt?: string;
  total: number;
  productType?: string;
}

export function orderWebhookBody(input: OrderWebhookInput): Record<string, unknown> {
  const money = input.total.toFixed(2);
  return {
    id: input.orderId,
    admin_graphql_api_id: `gid://shopify/Order/${input.orderId}`,
    email: input.customer?.email ?? 'guest@example.com',
    created_at: input.at,
    updated_at: input.updatedAt ?? input.at,
    processed_at: input.at,
    cancelled_at: null,
    currency: 'USD',
    financial_status: 'paid',
    name: `#${input.orderId}`,
    test: false,
    total_price: money,
    total_discounts: '0.00',
    subtotal_price: money,
    customer: input.customer
      ? {
          id: input.customer.id,
          admin_graphql_api_id: `gid://shopify/Customer/${input.customer.id}`,
          email: input.customer.email,
          created_at: input.customer.createdAt ?? '2025-01-01T00:00:00Z',
          updated_at: input.customer.updatedAt ?? '2025-01-01T00:00:00Z',
          first_name: 'Webhook',
          last_name: 'Buyer',
          state: 'enabled',
          currency: 'USD',
        }
      : null,
    line_items: [
      {
        id: input.orderId * 10,
        admin_graphql_api_id: `gid://shopify/LineItem/${input.orderId * 10}`,
        title: 'Tea',
        name: 'Tea',
        price: money,
        quantity: 1,
        sku: 'TEA',
        vendor: 'Acme',
        product_id: 1,
        variant_id: 2,
        ...(input.productType ? { product_type: input.productType } : {}),
      },
    ],
    refunds: [],
  };
}
