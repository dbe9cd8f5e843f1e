// The raw Shopify shapes the connector reads, as zod schemas: parse at the boundary.
import { z } from 'zod';

const money = z.object({ shopMoney: z.object({ amount: z.string() }) });

export const rawCustomerSchema = z.object({
  id: z.string().startsWith('gid://shopify/Customer/'),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  defaultEmailAddress: z
    .object({ emailAddress: z.string(), marketingState: z.string() })
    .nullable()
    .optional(),
});
export type RawCustomer = z.infer<typeof rawCustomerSchema>;

export const rawLineItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  quantity: z.number().int(),
  sku: z.string().nullable().optional(),
  vendor: z.string().nullable().optional(),
  originalUnitPriceSet: money,
  product: z.object({ productType: z.string() }).nullable().optional(),
});
export type RawLineItem = z.infer<typeof rawLineItemSchema>;

export const rawOrderSchema = z.object({
  id: z.string().startsWith('gid://shopify/Order/'),
  name: z.string().optional(),
  email: z.string().nullable().optional(),
  createdAt: z.string(),
  processedAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: z.string().nullable().optional(),
  currencyCode: z.string(),
  customer: z.object({ id: z.string() }).nullable().optional(),
  totalPriceSet: money,
  totalRefundedSet: money,
  totalDiscountsSet: money.nullable().optional(),
});
export type RawOrder = z.infer<typeof rawOrderSchema>;

export const pageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
