// The jobs of the refinery and what each carries. Handlers are plain functions of the app
// (app/jobs/handlers.ts); a queue backend runs them: bull on Redis for the server and workers,
// or in-process for the CLI and the demo when no Redis is reachable.
import type { PersonTarget } from '../realtime/person-target.ts';

/** One queue per kind of work. */
export const QUEUE_NAMES = {
  fullSync: 'sync-full',
  incrementalSync: 'sync-incremental',
  scoring: 'scoring',
  shopifyPush: 'push-shopify',
  hubspotPush: 'push-hubspot',
  ingest: 'ingest',
  /** Shopify's compliance requests (app/privacy/privacy-handler.ts). */
  privacy: 'privacy',
  /** Shopify Flow "Customer entered segment" triggers (app/flow/flow-trigger.ts). */
  flowTrigger: 'flow-trigger',
} as const;

export type QueueKind = keyof typeof QUEUE_NAMES;

/** What started a sync: a schedule, an admin ("sync now"), the CLI, the demo, a test. */
export type SyncTrigger = 'schedule' | 'sync-now' | 'cli' | 'demo' | 'test' | 'webhook';

export interface SyncJob {
  shopId: string;
  trigger: SyncTrigger;
  /** For scheduled runs: the instant the schedule fired (ISO-8601), which also names the job. */
  firedAt?: string;
}

/** A webhook or storefront event to store and act on. */
export interface IngestJob {
  shopId: string;
  source: 'shopify' | 'hubspot' | 'pixel';
  /** Platform topic, e.g. `orders/create`, `contact.propertyChange`. */
  topic: string;
  /** The platform's id of this delivery (X-Shopify-Webhook-Id, HubSpot eventId): duplicates are dropped. */
  eventId: string;
  /** When the platform says the event happened (ISO-8601); later state wins. */
  occurredAt: string;
  payload: unknown;
}

/**
 * A compliance request to carry out. The request itself (which names the customer) is in the store
 * (privacy_requests): the job carries only its id, so no queue holds the customer's data.
 */
export interface PrivacyJob {
  shopId: string;
  requestId: string;
  topic: 'customers/data_request' | 'customers/redact' | 'shop/redact';
}

/** Re-score one person after new data, and write only their changes. */
export interface ScoringJob {
  shopId: string;
  personId: string;
}

export interface PushJob {
  shopId: string;
  personId: string;
  /** The re-score this write carries; a write older than the person's latest is dropped. */
  version: number;
  target: PersonTarget;
}

/** One Flow trigger: a customer's membership of a segment started (app/flow/flow-trigger.ts). */
export interface FlowTriggerJob {
  shopId: string;
  /** Shopify customer GID. */
  customerId: string;
  segmentKey: string;
  segmentName: string;
  /** What started the membership: the sync run id, or `v<version>` of a real-time write. */
  origin: string;
}

export interface JobData {
  fullSync: SyncJob;
  incrementalSync: SyncJob;
  scoring: ScoringJob;
  shopifyPush: PushJob;
  hubspotPush: PushJob;
  ingest: IngestJob;
  privacy: PrivacyJob;
  flowTrigger: FlowTriggerJob;
}

export interface EnqueueOptions {
  /** Jobs with the same id are one job while it exists: duplicates are dropped. */
  jobId?: string;
  delayMs?: number;
  /**
   * Coalescing: the job runs `windowMs` from now, and every job added with the same id until then
   * is the same job. One added later (even while it runs) is a new job, so no change is missed.
   */
  coalesce?: { id: string; windowMs: number };
}

/** Where jobs are sent: bull queues, or an in-process runner. */
export interface JobQueue {
  enqueue<K extends QueueKind>(kind: K, data: JobData[K], options?: EnqueueOptions): Promise<void>;
}
