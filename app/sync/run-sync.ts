// One sync run for one shop: pull (Shopify, and HubSpot when connected) -> store -> people and
// segments -> diff -> push to each platform, recorded as a run.
import { PIXEL_RETENTION_DAYS } from '../analysis/read-storefront.ts';
import { MS_PER_DAY } from '../../core/instant.ts';
import { RefineryError, describeError, isRetriable } from '../../core/errors.ts';
import { writableMemberships } from '../../core/consent-policy.ts';
import { splitMemberships } from '../../core/holdout/holdout.ts';
import { shopifyMemberships } from '../../core/identity.ts';
import { createPlatformClients } from './platform-clients.ts';
import type { Store } from '../store/store.ts';
import { CLUSTER_MODEL_STATE, computeSegments, REFINE_STEP_MESSAGES, SCORING_SNAPSHOT_STATE, type ComputedSegments } from './compute-segments.ts';
import { ensureHoldoutSettings, recordCohorts } from './holdout-cohorts.ts';
import { pullHubSpot } from './pull-hubspot.ts';
import { pullShopify } from './pull-shopify.ts';
import { pushHubSpot } from './push-hubspot.ts';
import { pushShopify } from './push-shopify.ts';
import { sideBySide } from './side-by-side.ts';
import type { SyncDeps, SyncOptions, SyncReport } from './sync-types.ts';
import { dispatchFlowTriggers, firesFlowTriggers, flowTriggerJobs, recordFlowBaseline, type MembershipStart } from '../flow/flow-trigger.ts';

export const DEFAULT_BULK_THRESHOLD = 100;
export const DEFAULT_PAGE_SIZE = 2000;

function emptyReport(shopId: string, runId: string, asOf: string, hubspotConnected: boolean): SyncReport {
  return {
    shop: shopId,
    runId,
    status: 'succeeded',
    asOf,
    read: {
      customers: 0,
      orders: 0,
      mode: { customers: 'incremental', orders: 'incremental' },
      hubspot: { connected: hubspotConnected, contacts: 0, mode: null, skipped: 0 },
    },
    people: { total: 0, onBothPlatforms: 0, contactsWithoutEmail: 0, duplicateEmailContacts: 0 },
    wrote: {
      shopify: { tagsAdded: 0, tagsRemoved: 0, segmentsCreated: 0, segmentsUpdated: 0, segmentsDeleted: 0 },
      hubspot: { contactsUpserted: 0, contactsCreated: 0, listsCreated: 0, listsDeleted: 0, membershipsAdded: 0, membershipsRemoved: 0, propertiesCreated: 0 },
    },
    calls: {
      shopify: { queries: 0, mutations: 0, bulkMutations: 0, stagedUploads: 0, throttledResponses: 0, retries: 0, costPointsSpent: 0 },
      hubspot: { requests: 0, searchRequests: 0, rateLimited: 0, retries: 0 },
    },
    segments: [],
    refinement: null,
    holdout: null,
    errors: [],
    failure: null,
    durationMs: 0,
  };
}

/**
 * The segment stage: people, features, models and segments, reported and saved. Answers only what
 * the write-back needs, so that the feature tables and order histories (most of the compute stage's
 * memory) can be collected before the write-back builds its own.
 */
async function segmentAndSave(
  store: Store,
  shopId: string,
  asOf: string,
  full: boolean,
  deps: SyncDeps,
  report: SyncReport,
): Promise<Pick<ComputedSegments, 'identity' | 'memberships' | 'tagCounts' | 'refined'>> {
  deps.progress('segment', 'resolving people and scoring them');
  const computed = await computeSegments(store, shopId, asOf, { retrain: full, onStep: (step) => deps.progress('segment', REFINE_STEP_MESSAGES[step] ?? step) });
  report.models = computed.models;
  const identity = computed.identity.report;
  report.people = {
    total: identity.people,
    onBothPlatforms: computed.identity.people.filter((p) => p.hubspotContactId !== null && p.shopifyCustomerIds.length > 0).length,
    contactsWithoutEmail: identity.contactsWithoutEmail,
    duplicateEmailContacts: identity.duplicateEmailContacts,
  };
  report.segments = computed.summary.segments;
  const refined = computed.refined;
  report.refinement = refined.report;
  const definitionOf = new Map(refined.definitions.map((d) => [d.key, d]));
  await store.saveSegmentSnapshot(
    shopId,
    computed.summary.segments.map((row) => ({
      definition: definitionOf.get(row.key) ?? { key: row.key, name: row.name, kind: 'rule', description: '' },
      size: row.size,
      revenue: row.revenue,
      revenueShare: row.revenueShare,
      computedAt: asOf,
    })),
  );
  if (refined.clusterModel) await store.saveModelState(shopId, CLUSTER_MODEL_STATE, refined.clusterModel, deps.now().toISOString());
  await store.saveModelState(shopId, SCORING_SNAPSHOT_STATE, refined.snapshot, deps.now().toISOString());
  return { identity: computed.identity, memberships: computed.memberships, tagCounts: computed.tagCounts, refined };
}

export async function runSync(store: Store, deps: SyncDeps, options: SyncOptions): Promise<SyncReport> {
  const started = deps.now();
  const { settings, shopify: client, hubspot } = await createPlatformClients(store, deps)(options.shopId);
  const asOf = options.asOf ?? started.toISOString();
  const run = await store.startRun(options.shopId, options.trigger, started.toISOString());
  const report = emptyReport(options.shopId, run.id, asOf, Boolean(settings.hubspot));
  // Memberships this run's Shopify write-back started (Flow triggers); none on the first write-back.
  const entered: MembershipStart[] = [];
  let definitions: ReadonlyArray<{ key: string; name: string }> = [];
  try {
    // Shopify and HubSpot are read side by side: the HubSpot read mostly waits on its request
    // window, which the Shopify exports fill.
    deps.progress('pull', `reading customers and orders from Shopify${hubspot ? ' and contacts from HubSpot' : ''}`);
    const full = options.full ?? false;
    const [pulled, contacts] = await sideBySide([
      () => pullShopify(store, options.shopId, client, { full, pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE, pollIntervalMs: options.pollIntervalMs, progress: deps.progress }),
      async () => (hubspot ? pullHubSpot(store, options.shopId, hubspot, { full, progress: deps.progress }) : null),
    ]);
    report.read = { ...report.read, customers: pulled.customers, orders: pulled.orders, mode: pulled.mode };
    if (contacts) {
      report.read.hubspot = { connected: true, contacts: contacts.contacts, mode: contacts.mode, skipped: contacts.skipped.length };
      for (const s of contacts.skipped) report.errors.push({ code: 'CONTACT_SKIPPED', message: `HubSpot contact ${s.id}: ${s.reason}` });
    }

    const pruned = await store.deletePixelEventsBefore(options.shopId, new Date(deps.now().getTime() - PIXEL_RETENTION_DAYS * MS_PER_DAY).toISOString());
    if (pruned > 0) deps.progress('segment', `deleted ${pruned} storefront events older than ${PIXEL_RETENTION_DAYS} days`);
    const computed = await segmentAndSave(store, options.shopId, asOf, options.full ?? false, deps, report);
    const refined = computed.refined;

    // Holdouts: a deterministic share of each segment is kept out of every write-back. Under the
    // 'subscribed-only' consent policy, people without marketing consent are not written at all
    // (nor counted in a holdout cohort): the split is drawn from the people the policy allows.
    const holdout = await ensureHoldoutSettings(store, options.shopId, settings, deps);
    const writable = writableMemberships(computed.memberships, computed.identity.people, settings.consentPolicy);
    const split = splitMemberships(writable, { salt: holdout.salt, share: holdout.share });
    let heldOut = 0;
    for (const members of split.holdout.values()) heldOut += members.size;
    report.holdout = { share: holdout.share, heldOutMemberships: heldOut, cohortsStarted: 0 };

    deps.progress('push', 'writing tag and segment changes to Shopify');
    definitions = refined.definitions;
    // Triggers only once a first write-back has set the baseline, and only where a workflow uses them.
    const firing = await firesFlowTriggers(store, options.shopId);
    const pushed = await pushShopify(store, options.shopId, client, shopifyMemberships(split.treated, computed.identity.index), computed.tagCounts, refined.definitions, {
      tagPrefix: settings.tagPrefix,
      bulkThreshold: options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD,
      pollIntervalMs: options.pollIntervalMs,
      runLabel: run.id,
      now: deps.now,
      progress: deps.progress,
      ...(firing ? { onStarted: (rows: ReadonlyArray<MembershipStart>) => { for (const row of rows) entered.push(row); } } : {}),
    });
    // From now on memberships that start are "entered" (the initial load was this push).
    if (!firing) await recordFlowBaseline(store, options.shopId, run.id, deps.now().toISOString());
    report.wrote.shopify = {
      ...report.wrote.shopify,
      tagsAdded: pushed.tagsAdded,
      tagsRemoved: pushed.tagsRemoved,
      segmentsCreated: pushed.segmentsCreated,
      segmentsUpdated: pushed.segmentsUpdated,
      segmentsDeleted: pushed.segmentsDeleted,
    };
    report.calls.shopify.bulkMutations = pushed.bulkMutations;
    report.calls.shopify.stagedUploads = pushed.stagedUploads;
    report.errors.push(...pushed.errors);

    if (hubspot && settings.hubspot) {
      deps.progress('push', 'writing properties and lists to HubSpot');
      const wrote = await pushHubSpot(
        store,
        options.shopId,
        hubspot,
        {
          people: computed.identity.people,
          memberships: split.treated,
          rfmGroupOf: refined.rfmGroupOf,
          scores: refined.scores,
          definitions: refined.definitions,
          allowCreate: settings.hubspot.createContacts,
        },
        { now: deps.now, progress: deps.progress },
      );
      const { errors, ...counts } = wrote;
      report.wrote.hubspot = counts;
      report.errors.push(...errors);
    }
    // The first write-back of a segment starts its lift measurement: who was treated, who held out.
    report.holdout.cohortsStarted = await recordCohorts(store, options.shopId, split, holdout.share, deps.now().toISOString());
  } catch (error) {
    report.status = 'failed';
    const code = error instanceof RefineryError ? error.code : 'INTERNAL';
    report.errors.push({ code, message: describeError(error) });
    report.failure = { code, message: describeError(error), retriable: isRetriable(error) };
  } finally {
    // Flow triggers for what the write-back started, even when a later stage failed (those tags are
    // recorded as written: no later run would see them start). Never fails the run. The counts are
    // in the report only when the run started memberships (reports keep their shape otherwise).
    if (entered.length > 0) {
      deps.progress('flow', `firing ${entered.length} Flow triggers`);
      const fired = await dispatchFlowTriggers(flowTriggerJobs(options.shopId, entered, definitions, run.id), { queue: deps.queue ?? null, client });
      report.wrote.shopify.flowTriggers = fired.fired;
      report.wrote.shopify.flowTriggerFailures = fired.failed;
      report.errors.push(...fired.errors);
    }
    const stats = client.stats();
    Object.assign(report.calls.shopify, {
      queries: stats.queries,
      mutations: stats.mutations,
      throttledResponses: stats.throttledResponses,
      retries: stats.retries,
      costPointsSpent: stats.costPointsSpent,
    });
    if (hubspot) report.calls.hubspot = hubspot.stats();
    report.durationMs = deps.now().getTime() - started.getTime();
    await store.finishRun(options.shopId, run.id, report.status, report as unknown as Record<string, unknown>, deps.now().toISOString());
  }
  return report;
}
