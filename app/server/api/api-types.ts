// The JSON contract between the embedded admin UI (app/ui) and the API behind it (/api/*).
// Every route is authenticated by a Shopify session token (Authorization: Bearer <jwt>); the shop
// is the token's `dest` host, never a URL or body field, so no request can name another shop.
// Errors: { error: { code, message, issues? } } with a 4xx/5xx status (see ApiError).
import type { QualityReport } from '../../../core/quality/quality-report.ts';
import type { SegmentKind } from '../../../core/model.ts';
import type { ShopSchedule } from '../../../core/schedule/schedule.ts';
import type { SegmentLift } from '../../analysis/lift-report.ts';
import type { ModelReport } from '../../analysis/model-report.ts';
import type { SyncReport } from '../../sync/sync-types.ts';

export interface ApiError {
  error: {
    /** Stable code: VALIDATION, UNAUTHENTICATED, NOT_FOUND, CONFLICT, TOO_LARGE, INTERNAL... */
    code: string;
    message: string;
    /** Field-level problems of a rejected body: path (dot-separated) and message. */
    issues?: Array<{ path: string; message: string }>;
  };
}

/** One point of a segment's size over past successful runs (oldest first). */
export interface TrendPoint {
  at: string;
  size: number;
}

export interface SegmentRow {
  key: string;
  name: string;
  kind: SegmentKind;
  description: string;
  size: number;
  revenue: number;
  /** 0..1 of the shop's revenue. */
  revenueShare: number;
  /** 0..1 of the shop's people. */
  customerShare: number;
  trend: TrendPoint[];
}

/** GET /api/overview */
export interface OverviewResponse {
  shop: string;
  totals: { customers: number; orders: number; contacts: number; people: number; revenue: number };
  lastRun: RunSummary | null;
  segments: SegmentRow[];
  /** Where segments are written: connected platforms. */
  connections: { shopify: boolean; hubspot: { connected: boolean; portalId: number | null } };
}

/** GET /api/segments/:key */
export interface SegmentResponse {
  segment: SegmentRow;
  /** Plain-language why these people are together (cluster explanation, RFM rule, model tier, rule text). */
  explanation: string;
  /** Mean feature values of members against the whole store. */
  profile: Array<{ feature: string; label: string; unit: 'count' | 'days' | 'money' | 'share'; segment: number | null; store: number | null }>;
  /**
   * Up to 20 members, people with the highest spend first; emails masked (j***@example.com). No
   * person id (it holds the email): `memberRef` is an opaque reference, stable for the shop.
   */
  sampleMembers: Array<{ memberRef: string; name: string | null; email: string | null; orders: number; spent: number; lastOrderAt: string | null }>;
  /** The platform objects that carry it (Shopify segment, HubSpot list) and what was last written. */
  syncedTo: Array<{ platform: 'shopify' | 'hubspot'; remoteId: string; name: string; members: number; updatedAt: string }>;
  /** Holdout lift since the first write-back, or null when the segment has no cohort yet. */
  lift: SegmentLift | null;
}

/** GET /api/models?asOf=&horizon= (defaults: the last run's as-of less the horizon, 90 days). */
export type ModelsResponse = ModelReport & {
  clusters:
    | { ok: true; k: number; silhouette: number; wcss: number; clusters: Array<{ id: string; name: string; size: number; share: number; explanation: string }> }
    | { ok: false; reason: string };
};

/** GET /api/quality */
export type QualityResponse = QualityReport;

export interface RunSummary {
  id: string;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  read: SyncReport['read'] | null;
  wrote: SyncReport['wrote'] | null;
  errors: Array<{ code: string; message: string }>;
  failure: SyncReport['failure'];
}

/** GET /api/runs?limit= (1..200, default 50), newest first. */
export interface RunsResponse {
  runs: RunSummary[];
}

export interface RuleSegmentView {
  key: string;
  name: string;
  rule: string;
  createdAt: string;
  updatedAt: string;
  /** Size at the last run, null before the first run that included it. */
  size: number | null;
}

/** GET /api/rules */
export interface RulesResponse {
  rules: RuleSegmentView[];
  /** The fields the rule language knows, for the editor's help. */
  fields: Array<{ name: string; type: string; description: string }>;
}

/** A parser error as the editor shows it (1-based line and column). */
export interface RuleProblem {
  line: number;
  column: number;
  message: string;
  /** "did you mean" suggestion, when the parser has one. */
  suggestion: string | null;
}

/**
 * POST /api/rules/preview { rule } -> live size on the current data; `sampleMemberRefs`: opaque
 * references (stable for the shop, as the segment page's `memberRef`) of the first matches.
 */
export type RulePreviewResponse = { ok: true; size: number; share: number; sampleMemberRefs: string[] } | { ok: false; problems: RuleProblem[] };

/** PUT /api/rules/:key { name, rule } -> 200 with the saved rule, or 422 with problems (nothing stored). */
export interface RuleSaveRequest {
  name: string;
  rule: string;
}

/** The 422 body of PUT /api/rules/:key when the rule does not parse: the ApiError plus the parser's problems. */
export type RuleSaveErrorResponse = ApiError & { problems: RuleProblem[] };

/** DELETE /api/rules/:key -> 200 */
export interface RuleDeleteResponse {
  deleted: string;
}

export type ConsentPolicy = 'all' | 'subscribed-only';

/** GET /api/settings; PUT /api/settings takes SettingsUpdate and returns SettingsResponse. */
export interface SettingsResponse {
  tagPrefix: string;
  /** Which people this app writes to the platforms: everyone, or only those with email marketing consent. */
  consentPolicy: ConsentPolicy;
  holdoutShare: number;
  schedule: ShopSchedule;
  /** The next full sync instant in the schedule's time zone, or null when none is scheduled. */
  nextFullSyncAt: string | null;
  hubspot: { connected: boolean; portalId: number | null; authKind: 'private-app' | 'oauth' | null; requestsPerTenSeconds: number | null; createContacts: boolean };
}

export interface SettingsUpdate {
  tagPrefix?: string;
  consentPolicy?: ConsentPolicy;
  holdoutShare?: number;
  schedule?: ShopSchedule;
}

/** POST /api/hubspot/connect: a private-app token (checked against the portal before it is stored). */
export interface HubSpotConnectRequest {
  accessToken: string;
  /** API base URL; omitted for HubSpot itself (set for the emulator). */
  basePath?: string | null;
  requestsPerTenSeconds?: number;
  createContacts?: boolean;
}

/** POST /api/hubspot/oauth/complete: what the OAuth callback page posted to the app window. */
export interface HubSpotOAuthCompleteRequest {
  code: string;
  state: string;
}

export interface HubSpotConnectResponse {
  connected: true;
  portalId: number;
  authKind: 'private-app' | 'oauth';
}

/** POST /api/sync { mode } -> 202 */
export interface SyncNowResponse {
  queued: true;
  mode: 'full' | 'incremental';
  jobId: string;
}

/** A prediction as the customer block shows it: the probability (0 to 1) and its tier. */
export interface ScoreWithTier {
  score: number;
  tier: 'high' | 'medium' | 'low';
}

/**
 * GET /api/customers/:id/insights (id: a numeric Shopify customer id or its GID): one customer's
 * segments and scores for the admin customer-details block (extensions/customer-insights),
 * re-scored now against the last batch's scoring snapshot for this one person.
 */
export interface CustomerInsightsResponse {
  /** The customer's GID. */
  customerId: string;
  /** False when the app holds no scores for the customer (not synced yet, redacted, or no batch run yet). */
  known: boolean;
  /** Why `known` is false (null when known). */
  reason: string | null;
  /**
   * The segments last written to the customer (its tags), then the segments the customer belongs
   * in but is held out of (`heldOut: true`: measured, never written).
   */
  segments: Array<{ key: string; name: string; kind: SegmentKind | null; heldOut: boolean }>;
  rfmGroup: { key: string; name: string } | null;
  cluster: { id: string; name: string; explanation: string } | null;
  purchasePropensity: ScoreWithTier | null;
  churnRisk: ScoreWithTier | null;
  /** Expected spend over the next twelve months (BG/NBD x Gamma-Gamma), shop currency. */
  predictedClv: number | null;
  /** Expected purchases over the next twelve months (BG/NBD). */
  expectedPurchases: number | null;
  /** The day (YYYY-MM-DD) of the expected next order, from the BG/NBD model; null when the model gives none. */
  expectedNextOrderAt: string | null;
  holdout: { heldOut: boolean; segments: string[] };
  /** When these scores were computed (now, against the snapshot of the last batch run); null when not known. */
  scoredAt: string | null;
  /** The as-of date of the batch run whose models scored the customer; null when not known. */
  modelsAsOf: string | null;
}
