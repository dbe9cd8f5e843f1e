// Records of the webhook and privacy part of the store (migration 6): delivered webhook ids kept
// for deduplication, compliance requests, and what a person's data request or redaction finds.
import type { Contact, Customer, Order } from '../../core/model.ts';
import type { PixelEventRecord } from './pixel-queries.ts';

/** A webhook delivery remembered so that a repeat is recognised (no payload is kept). */
export interface WebhookDelivery {
  source: 'shopify' | 'hubspot';
  /** The platform's id of the delivery (X-Shopify-Event-Id / X-Shopify-Webhook-Id). */
  deliveryId: string;
  topic: string;
  /** The Shopify customer (or, for a guest order, order) GID the delivery is about, or null. */
  subject: string | null;
  /** When the platform says it triggered the event (ISO-8601), when it said so. */
  triggeredAt: string | null;
  receivedAt: string;
}

export const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];
export type PrivacyRequestStatus = 'pending' | 'completed' | 'failed';

/**
 * One compliance request of a shop. `payload` is the request as Shopify sent it, kept while it is
 * pending (and for a data request, for the merchant); a completed redaction keeps neither payload
 * nor subject, only counts in `result`. For a data request `result` is the assembled data.
 */
export interface PrivacyRequest {
  id: string;
  topic: ComplianceTopic;
  /** The Shopify customer GID the request is about (null for shop/redact and once redacted). */
  subject: string | null;
  status: PrivacyRequestStatus;
  receivedAt: string;
  completedAt: string | null;
  payload: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
}

/** Whom a data request or a redaction is about; emails normalised (trimmed, lower-cased). */
export interface PrivacySubject {
  shopifyCustomerIds: string[];
  emails: string[];
  /** Shopify order GIDs named by the request (orders_requested, orders_to_redact). */
  shopifyOrderIds: string[];
}

/** Everything stored about a person, as a data request reports it. */
export interface PersonData {
  customers: Customer[];
  orders: Order[];
  contacts: Contact[];
  /** Person ids (core/identity.ts) the records belong to. */
  personIds: string[];
  writtenMemberships: Array<{ platform: string; segmentKey: string; recordId: string; writtenAt: string }>;
  writtenProperties: Array<{ contactId: string; property: string; value: string; writtenAt: string }>;
  holdoutCohorts: Array<{ segmentKey: string; personId: string; group: string }>;
  webhookDeliveries: WebhookDelivery[];
  /** Storefront events from the web pixel recorded with one of the customer's Shopify ids. */
  pixelEvents: PixelEventRecord[];
  /** Runs, model states and segment snapshots whose stored JSON mentions the person. */
  mentions: Array<{ table: string; key: string }>;
}

/** Rows removed or rewritten by a redaction, per table. */
export type RedactionCounts = Record<string, number>;

/** The shop's suppressed digests (HMAC with its salt); salt null when nothing was ever suppressed. */
export interface Suppressions {
  salt: string | null;
  digests: ReadonlySet<string>;
}
