// Shopify's mandatory compliance webhooks, validated at the boundary (zod) in the shapes Shopify
// documents (shopify.dev "Privacy law compliance"):
//   customers/data_request {shop_id, shop_domain, orders_requested: [id], customer: {id, email, phone}, data_request: {id}}
//   customers/redact       {shop_id, shop_domain, customer: {id, email, phone}, orders_to_redact: [id]}
//   shop/redact            {shop_id, shop_domain}
// Ids are numeric REST ids (mapped to Admin GIDs); extra keys are allowed (Shopify may add some).
// Expected failures are values: parseComplianceWebhook never throws.
import { z } from 'zod';
import { normaliseEmail } from '../../core/identity.ts';
import type { ComplianceTopic, PrivacySubject } from '../store/privacy-records.ts';
import { COMPLIANCE_TOPICS } from '../store/privacy-records.ts';

export { COMPLIANCE_TOPICS, type ComplianceTopic };

/** Ids beyond this many in one request are not a real request. */
const MAX_ORDERS = 10_000;

const restId = z.union([
  z.number().refine((n) => Number.isSafeInteger(n) && n > 0, 'must be a positive integer'),
  z.string().regex(/^[1-9][0-9]{0,19}$/, 'must be a positive integer'),
]);
const text = z.string().max(1000).refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');
const shopFields = { shop_id: restId, shop_domain: text };
const customer = z.looseObject({ id: restId, email: text.nullable().optional(), phone: text.nullable().optional() });

const SCHEMAS = {
  'customers/data_request': z.looseObject({
    ...shopFields,
    customer,
    orders_requested: z.array(restId).max(MAX_ORDERS).nullable().optional(),
    data_request: z.looseObject({ id: restId }).nullable().optional(),
  }),
  'customers/redact': z.looseObject({ ...shopFields, customer, orders_to_redact: z.array(restId).max(MAX_ORDERS).nullable().optional() }),
  'shop/redact': z.looseObject(shopFields),
} as const;

export interface ComplianceRequest {
  topic: ComplianceTopic;
  shopDomain: string;
  /** For the customer topics: whom it is about. */
  subject: PrivacySubject | null;
  /** Shopify's id of a data request, when given. */
  dataRequestId: string | null;
}

export function isComplianceTopic(topic: string): topic is ComplianceTopic {
  return (COMPLIANCE_TOPICS as readonly string[]).includes(topic);
}

export const customerGid = (id: number | string) => `gid://shopify/Customer/${String(id)}`;
export const orderGid = (id: number | string) => `gid://shopify/Order/${String(id)}`;

export function parseComplianceWebhook(topic: ComplianceTopic, body: unknown): { ok: true; request: ComplianceRequest } | { ok: false; reason: string } {
  const parsed = SCHEMAS[topic].safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: issue ? `${issue.path.map(String).join('.') || 'body'}: ${issue.message}` : 'invalid body' };
  }
  const data = parsed.data as z.infer<(typeof SCHEMAS)['customers/data_request']> & z.infer<(typeof SCHEMAS)['customers/redact']>;
  if (topic === 'shop/redact') return { ok: true, request: { topic, shopDomain: data.shop_domain, subject: null, dataRequestId: null } };
  const email = normaliseEmail(data.customer.email);
  const orders = topic === 'customers/redact' ? data.orders_to_redact : data.orders_requested;
  return {
    ok: true,
    request: {
      topic,
      shopDomain: data.shop_domain,
      subject: { shopifyCustomerIds: [customerGid(data.customer.id)], emails: email ? [email] : [], shopifyOrderIds: (orders ?? []).map(orderGid) },
      dataRequestId: data.data_request ? String(data.data_request.id) : null,
    },
  };
}
