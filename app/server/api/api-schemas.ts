// The zod schemas of the admin API: what every request is validated against and what the OpenAPI
// document (openapi.ts) is generated from. Response schemas describe the shapes of api-types.ts;
// deep report objects (model, quality, lift reports) are described at their top level.
import { z } from 'zod';
import { MAX_HOLDOUT_SHARE } from '../../../core/holdout/holdout.ts';
import { validateSchedule } from '../../../core/schedule/schedule.ts';
import { MAX_PREFIX_LENGTH, validateSegmentKey, validateTagPrefix } from '../../../core/segment-tags.ts';
import { MAX_RULE_KEY_LENGTH, MAX_RULE_NAME_LENGTH, ruleKeyProblem, ruleNameProblem } from '../../../core/segments/rule-segment-input.ts';

/** Longest rule text accepted at the boundary; the parser itself refuses more than 2,000 characters with a pointed error. */
export const MAX_RULE_TEXT = 10_000;
export const MAX_RUNS_LIMIT = 200;
export const MAX_HORIZON_DAYS = 730;

const noNul = (s: string) => !s.includes('\u0000');

// ---- params and queries -------------------------------------------------------------------

export const SegmentKeyParams = z.object({
  key: z.string().max(200).refine((k) => validateSegmentKey(k).valid, 'must be a segment key (a lower-case slug)').describe('Segment key, e.g. champions, cluster-2, rule-vip'),
});

export const RuleKeyParams = z.object({
  key: z.string().max(MAX_RULE_KEY_LENGTH).superRefine((key, ctx) => {
    const problem = ruleKeyProblem(key);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  }).describe('Rule key: a lower-case slug of at most 60 characters (the segment key is rule-<key>)'),
});

const isoDate = z.string().max(40).refine((s) => Number.isFinite(Date.parse(s)), 'must be a date (YYYY-MM-DD) or an ISO-8601 timestamp')
  .transform((s) => new Date(Date.parse(s)).toISOString());

export const ModelsQuery = z.object({
  asOf: isoDate.optional().describe("Models see history up to this date; default: the last run's as-of date (else now) less the horizon, so that the horizon has happened"),
  horizon: z.coerce.number().int().min(1).max(MAX_HORIZON_DAYS).default(90).describe('Days after asOf the models are judged on'),
});

export const RunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_RUNS_LIMIT).default(50).describe('How many runs, newest first'),
});

// ---- request bodies -----------------------------------------------------------------------

export const RulePreviewRequest = z.strictObject({
  rule: z.string().max(MAX_RULE_TEXT).describe('Rule text in the rule language (core/rules/README.md)'),
});

export const RuleSaveRequest = z.strictObject({
  name: z.string().max(MAX_RULE_NAME_LENGTH * 2).superRefine((name, ctx) => {
    const problem = ruleNameProblem(name);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  }).describe(`Display name, 1 to ${MAX_RULE_NAME_LENGTH} characters`),
  rule: z.string().max(MAX_RULE_TEXT).refine(noNul, 'must not contain NUL characters').describe('Rule text'),
});

export const ScheduleSchema = z.object({
  fullSyncCron: z.string().nullable().describe('Five-field cron read in timeZone, or null for no scheduled full sync'),
  timeZone: z.string().describe('IANA time zone, e.g. Europe/Paris'),
  incrementalEveryMinutes: z.number().int().nullable().describe('Incremental sync every N minutes (1 to 1440), or null'),
  paused: z.boolean(),
});

export const SettingsUpdateRequest = z.strictObject({
  tagPrefix: z.string().max(MAX_PREFIX_LENGTH).superRefine((prefix, ctx) => {
    const check = validateTagPrefix(prefix);
    if (!check.valid) ctx.addIssue({ code: 'custom', message: check.reason });
  }).optional().describe('Prefix of every tag the app writes: letters, digits, ":", "-" and "_", at most 40 characters'),
  consentPolicy: z.enum(['all', 'subscribed-only']).optional().describe('Write everyone, or only people with email marketing consent'),
  holdoutShare: z.number().min(0).max(MAX_HOLDOUT_SHARE).optional().describe('Share (0 to 0.5) of each segment held out of the write-back'),
  schedule: z.strictObject(ScheduleSchema.shape).superRefine((value, ctx) => {
    const check = validateSchedule(value);
    if (check.ok) return;
    for (const e of check.errors) ctx.addIssue({ code: 'custom', message: e.message, path: e.field === 'schedule' ? [] : [e.field] });
  }).transform((value) => {
    // Normalised as the store keeps it: single spaces in the cron, the zone's canonical name.
    const check = validateSchedule(value);
    return check.ok ? check.schedule : value;
  }).optional().describe('When syncs run'),
});

export const SyncRequest = z.strictObject({
  mode: z.enum(['full', 'incremental']).describe('full: export everything again; incremental: read what changed'),
});

/** POST /api/hubspot/connect (served by the HubSpot routes, documented here). */
export const HubSpotConnectRequest = z.strictObject({
  accessToken: z.string().min(1).max(500).describe('Private-app access token'),
  basePath: z.string().max(500).nullable().optional().describe('API base URL; omitted for HubSpot itself'),
  requestsPerTenSeconds: z.number().int().min(1).max(1000).optional(),
  createContacts: z.boolean().optional(),
});

/** POST /api/hubspot/oauth/complete (served by the HubSpot routes, documented here). */
export const HubSpotOAuthCompleteRequest = z.strictObject({
  code: z.string().min(1).max(512).describe('The authorization code HubSpot gave the callback page'),
  state: z.string().min(1).max(1024).describe('The state of GET /hubspot/oauth/start, as HubSpot returned it'),
});

// ---- responses ----------------------------------------------------------------------------

export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const reportObject = (what: string) => z.record(z.string(), z.unknown()).describe(what);

export const RunSummarySchema = z.object({
  id: z.string(),
  trigger: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  read: reportObject('What the run read (SyncReport.read)').nullable(),
  wrote: reportObject('What the run wrote (SyncReport.wrote)').nullable(),
  errors: z.array(z.object({ code: z.string(), message: z.string() })),
  failure: z.object({ code: z.string(), message: z.string(), retriable: z.boolean() }).nullable(),
});

export const RunsResponseSchema = z.object({ runs: z.array(RunSummarySchema) });

const SegmentRowSchema = z.object({
  key: z.string(),
  name: z.string(),
  kind: z.enum(['rfm', 'cluster', 'prediction', 'micro', 'rule']),
  description: z.string(),
  size: z.number(),
  revenue: z.number(),
  revenueShare: z.number(),
  customerShare: z.number(),
  trend: z.array(z.object({ at: z.string(), size: z.number() })),
});

export const OverviewResponseSchema = z.object({
  shop: z.string(),
  totals: z.object({ customers: z.number(), orders: z.number(), contacts: z.number(), people: z.number(), revenue: z.number() }),
  lastRun: RunSummarySchema.nullable(),
  segments: z.array(SegmentRowSchema),
  connections: z.object({ shopify: z.boolean(), hubspot: z.object({ connected: z.boolean(), portalId: z.number().nullable() }) }),
});

export const SegmentResponseSchema = z.object({
  segment: SegmentRowSchema,
  explanation: z.string(),
  profile: z.array(z.object({ feature: z.string(), label: z.string(), unit: z.enum(['count', 'days', 'money', 'share']), segment: z.number().nullable(), store: z.number().nullable() })),
  sampleMembers: z.array(z.object({ memberRef: z.string().describe('Opaque member reference, stable for the shop (never a person id or email)'), name: z.string().nullable(), email: z.string().nullable(), orders: z.number(), spent: z.number(), lastOrderAt: z.string().nullable() })),
  syncedTo: z.array(z.object({ platform: z.enum(['shopify', 'hubspot']), remoteId: z.string(), name: z.string(), members: z.number(), updatedAt: z.string() })),
  lift: reportObject('Holdout lift (app/analysis/lift-report.ts SegmentLift)').nullable(),
});

export const ModelsResponseSchema = z.object({
  asOf: z.string(),
  horizonDays: z.number(),
  propensity: reportObject('Purchase propensity backtest, or { ok: false, reason }'),
  bgnbd: reportObject('BG/NBD fit and holdout check, or { ok: false, reason }'),
  gammaGamma: reportObject('Gamma-Gamma spend model, or { ok: false, reason }'),
  clusters: z.union([
    z.object({ ok: z.literal(true), k: z.number(), silhouette: z.number(), wcss: z.number(), clusters: z.array(z.object({ id: z.string(), name: z.string(), size: z.number(), share: z.number(), explanation: z.string() })) }),
    z.object({ ok: z.literal(false), reason: z.string() }),
  ]),
});

export const QualityResponseSchema = z.object({
  asOf: z.string(),
  severity: z.string(),
  counts: reportObject('Records read per source'),
  checks: z.array(reportObject('One check: title, count, share, severity, finding')),
  currencies: z.array(reportObject('Orders per currency')),
  sources: z.array(reportObject('Freshness per source')),
});

export const RuleProblemSchema = z.object({ line: z.number(), column: z.number(), message: z.string(), suggestion: z.string().nullable() });

export const RuleViewSchema = z.object({ key: z.string(), name: z.string(), rule: z.string(), createdAt: z.string(), updatedAt: z.string(), size: z.number().nullable() });

export const RulesResponseSchema = z.object({
  rules: z.array(RuleViewSchema),
  fields: z.array(z.object({ name: z.string(), type: z.string(), description: z.string() })),
});

export const RulePreviewResponseSchema = z.union([
  z.object({ ok: z.literal(true), size: z.number(), share: z.number(), sampleMemberRefs: z.array(z.string()).describe('Opaque member references of the first matches') }),
  z.object({ ok: z.literal(false), problems: z.array(RuleProblemSchema) }),
]);

export const RuleProblemsErrorSchema = ApiErrorSchema.extend({ problems: z.array(RuleProblemSchema) });

export const SettingsResponseSchema = z.object({
  tagPrefix: z.string(),
  consentPolicy: z.enum(['all', 'subscribed-only']),
  holdoutShare: z.number(),
  schedule: ScheduleSchema,
  nextFullSyncAt: z.string().nullable(),
  hubspot: z.object({
    connected: z.boolean(),
    portalId: z.number().nullable(),
    authKind: z.enum(['private-app', 'oauth']).nullable(),
    requestsPerTenSeconds: z.number().nullable(),
    createContacts: z.boolean(),
  }),
});

export const SyncNowResponseSchema = z.object({ queued: z.literal(true), mode: z.enum(['full', 'incremental']), jobId: z.string() });

export const DeletedResponseSchema = z.object({ deleted: z.string() });

// ---- customer insights (the admin customer-details block) -----------------------------------

const CUSTOMER_GID_PREFIX = 'gid://shopify/Customer/';
const CUSTOMER_ID = /^(?:gid:\/\/shopify\/Customer\/)?([1-9][0-9]{0,19})$/;

export const CustomerIdParams = z.object({
  id: z.string().max(60).regex(CUSTOMER_ID, 'must be a Shopify customer id (digits) or its GID (gid://shopify/Customer/<digits>)')
    .transform((id) => `${CUSTOMER_GID_PREFIX}${CUSTOMER_ID.exec(id)?.[1] ?? ''}`)
    .describe('Shopify customer id: digits, or the GID gid://shopify/Customer/<digits> (URL-encoded)'),
});

const ScoreWithTierSchema = z.object({ score: z.number().describe('Probability, 0 to 1'), tier: z.enum(['high', 'medium', 'low']) });

export const CustomerInsightsResponseSchema = z.object({
  customerId: z.string().describe('The customer GID'),
  known: z.boolean().describe('False: no scores for this customer (not synced yet, or no batch run yet)'),
  reason: z.string().nullable().describe('Why known is false'),
  segments: z.array(z.object({
    key: z.string(),
    name: z.string(),
    kind: z.enum(['rfm', 'cluster', 'prediction', 'micro', 'rule']).nullable(),
    heldOut: z.boolean().describe('In the segment but held out of the write-back (holdout group)'),
  })).describe('Segments last written to the customer, then those it is held out of'),
  rfmGroup: z.object({ key: z.string(), name: z.string() }).nullable(),
  cluster: z.object({ id: z.string(), name: z.string(), explanation: z.string() }).nullable(),
  purchasePropensity: ScoreWithTierSchema.nullable(),
  churnRisk: ScoreWithTierSchema.nullable(),
  predictedClv: z.number().nullable().describe('Expected 12-month spend, shop currency'),
  expectedPurchases: z.number().nullable().describe('Expected purchases over the next 12 months'),
  expectedNextOrderAt: z.string().nullable().describe('Expected next order day, YYYY-MM-DD (BG/NBD)'),
  holdout: z.object({ heldOut: z.boolean(), segments: z.array(z.string()) }),
  scoredAt: z.string().nullable(),
  modelsAsOf: z.string().nullable(),
});
