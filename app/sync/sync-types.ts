// The shapes a sync run reports, shared by the CLI, the demo and (later) the admin UI.
import type { SegmentSummaryRow } from '../../core/segment-summary.ts';
import type { RefineReport } from '../../core/segments/refine.ts';
import type { SharedBudgets } from '../../connectors/shared/limiters.ts';
import type { JobQueue } from '../jobs/job-types.ts';

/** What a sync wrote to HubSpot. */
export interface HubSpotWriteCounts {
  contactsUpserted: number;
  contactsCreated: number;
  listsCreated: number;
  /** Lists of removed rule segments, deleted once empty. */
  listsDeleted: number;
  membershipsAdded: number;
  membershipsRemoved: number;
  propertiesCreated: number;
}

export interface SyncReport {
  shop: string;
  runId: string;
  status: 'succeeded' | 'failed';
  asOf: string;
  read: {
    customers: number;
    orders: number;
    mode: { customers: 'bulk' | 'incremental'; orders: 'bulk' | 'incremental' };
    hubspot: { connected: boolean; contacts: number; mode: 'full' | 'incremental' | null; skipped: number };
  };
  /** How the people were resolved across platforms (core/identity.md). */
  people: {
    total: number;
    onBothPlatforms: number;
    contactsWithoutEmail: number;
    duplicateEmailContacts: number;
  };
  wrote: {
    shopify: {
      tagsAdded: number;
      tagsRemoved: number;
      segmentsCreated: number;
      segmentsUpdated: number;
      segmentsDeleted: number;
      /**
       * Shopify Flow "Customer entered segment" triggers sent (or queued, when the run has a queue)
       * for memberships this run started. Absent when the run started none (the shop's first
       * write-back among them) and in reports recorded before Flow triggers.
       */
      flowTriggers?: number;
      /** Triggers that could not be sent or queued (the sync goes on regardless). */
      flowTriggerFailures?: number;
    };
    hubspot: HubSpotWriteCounts;
  };
  calls: {
    shopify: {
      queries: number;
      mutations: number;
      bulkMutations: number;
      stagedUploads: number;
      throttledResponses: number;
      retries: number;
      costPointsSpent: number;
    };
    hubspot: { requests: number; searchRequests: number; rateLimited: number; retries: number };
  };
  segments: SegmentSummaryRow[];
  /** Whether the run trained new models or scored with the kept ones, and why (app/sync/model-refresh.ts); absent in older reports and when the run failed before. */
  models?: { retrained: boolean; reason: string };
  /** Clusters, predictions, micro-segments and rules of this run; null when the run failed before. */
  refinement: RefineReport | null;
  /** Holdouts of this run: share, memberships kept out of the write-back, lift cohorts started. */
  holdout: { share: number; heldOutMemberships: number; cohortsStarted: number } | null;
  errors: Array<{ code: string; message: string }>;
  /** What made a failed run fail, and whether trying again later may succeed; null when it succeeded. */
  failure: { code: string; message: string; retriable: boolean } | null;
  durationMs: number;
}

export interface SyncDeps {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  log: (line: string) => void;
  /** Progress on long steps (pull pages, pushes). */
  progress: (stage: string, message: string) => void;
  /** Platform budgets shared by every worker (Redis); absent: this process's own. */
  budgets?: SharedBudgets;
  /** The HubSpot public app, to refresh OAuth tokens (AppConfig.hubspotApp); absent: no refresh. */
  hubspotOAuth?: { clientId: string; clientSecret: string } | null;
  /** Where follow-up work goes (Flow triggers, app/flow/flow-trigger.ts); absent: the sync sends them itself. */
  queue?: JobQueue;
}

export interface SyncOptions {
  shopId: string;
  trigger: string;
  /** Export everything again instead of reading what changed. */
  full?: boolean;
  /** Segment as of this instant; defaults to now. */
  asOf?: string;
  /** Customers changed at or above which tags go through a bulk mutation. */
  bulkThreshold?: number;
  /** Records per saved page in pulls. */
  pageSize?: number;
  pollIntervalMs?: number;
}
