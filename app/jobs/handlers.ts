// The job handlers: plain functions of the app, run by bull workers or in this process.
// - sync (full, incremental): one sync of a shop under its lock (sync-job.ts);
// - ingest: a webhook or event, taken once per platform event id, stored unless an equal or newer
//   state is already stored (later state wins), then a re-score of the person it touches,
//   coalesced: deliveries for one person within `coalesceMs`, or while that re-score still waits
//   for a worker, become one re-score;
// - scoring: one person re-scored under the person's lock; the result is versioned, handed to the
//   HubSpot push queue (when the shop has a portal connected) and written to Shopify at once, in
//   this job (no queue between the re-score and the write); a Shopify write that cannot be done
//   now (another write of the person in hand, or a failure) goes to the Shopify push queue;
// - shopify / hubspot push: that person's writes, dropped when a newer re-score exists; memberships
//   the Shopify write started go to the flowTrigger queue;
// - flowTrigger: one Shopify Flow "Customer entered segment" trigger (app/flow/flow-trigger.ts).
import { RefineryError } from '../../core/errors.ts';
import { pendingAbandonment, STOREFRONT_POLICY } from '../../core/features/storefront-activity.ts';
import { emailPersonId, normaliseEmail, sourceKey, type PersonSource } from '../../core/identity.ts';
import type { Contact, Customer } from '../../core/model.ts';
import { parseHubSpotWebhookEvent } from '../../connectors/hubspot/webhook-events.ts';
import { readContact } from '../../connectors/hubspot/read-contact.ts';
import { mergeWebhookCustomer, parseShopifyWebhook } from '../../connectors/shopify/webhook-payloads.ts';
import type { Store } from '../store/store.ts';
import type { SyncDeps } from '../sync/sync-types.ts';
import { computePersonTarget, writePersonToHubSpot } from '../realtime/person-target.ts';
import { writePersonToShopify } from '../realtime/shopify-person-write.ts';
import type { Handlers } from './bull-queues.ts';
import type { EventLedger, PersonVersions } from './coordination.ts';
import type { FlowTriggerJob, IngestJob, JobQueue, PushJob, ScoringJob } from './job-types.ts';
import { flowTriggerJobId, flowTriggerJobs, firesFlowTriggers, sendFlowTrigger, type MembershipStart } from '../flow/flow-trigger.ts';
import type { PlatformClientFactory, PlatformClients } from '../sync/platform-clients.ts';
import { clientsWithSettings, createCachedPlatformClients } from './platform-client-cache.ts';
import type { ShopLock } from './shop-lock.ts';
import { runSyncJob } from './sync-job.ts';
import { handlePrivacy } from '../privacy/privacy-handler.ts';
import { createLocalPurger, type PrivacyPurger } from '../privacy/queue-purge.ts';
import { loadSuppression } from '../privacy/suppression.ts';
import { forgetShopInstallation } from '../webhooks/uninstall.ts';

export interface HandlerContext {
  store: Store;
  deps: SyncDeps;
  queue: JobQueue;
  shopLock: ShopLock;
  personLock: ShopLock;
  ledger: EventLedger;
  versions: PersonVersions;
  /** The shops' platform clients; default: made once per connection and kept (platform-client-cache.ts). */
  clients?: PlatformClientFactory;
  /**
   * Deliveries for one person within this window become one re-score (default
   * DEFAULT_COALESCE_MS); so do deliveries that come while that re-score waits for a worker.
   */
  coalesceMs?: number;
  pollIntervalMs?: number;
  /** Removes a person's or a shop's jobs and Redis keys (privacy); in-process queues have none. */
  purger?: PrivacyPurger;
}

export type IngestOutcome =
  | { status: 'duplicate' }
  | { status: 'rejected'; reason: string }
  | { status: 'stale'; personId: string | null }
  | { status: 'stored'; personId: string | null; /** Re-score again at this instant (epoch ms): a checkout becomes abandoned then. */ recheckAtMs?: number }
  | { status: 'ignored'; reason: string };

/**
 * The default coalescing window: it is waited before every re-score, so it is part of every
 * webhook-to-write latency; short, because deliveries that come while a re-score waits for a worker
 * (a busy queue) are coalesced into it anyway.
 */
export const DEFAULT_COALESCE_MS = 50;

const clientsOf = (ctx: HandlerContext): PlatformClientFactory => ctx.clients ?? createCachedPlatformClients(ctx.store, ctx.deps);

const isNewer = (incoming: string, stored: string | undefined) => stored === undefined || Date.parse(incoming) >= Date.parse(stored);

/** The person a record belongs to, by the identity rules (core/identity.md). */
function personIdOf(source: PersonSource, record: Pick<Customer | Contact, 'id' | 'email'>): string {
  const email = normaliseEmail(record.email);
  return email ? emailPersonId(email) : sourceKey(source, record.id);
}

export const personIdOfCustomer = (customer: Customer) => personIdOf(customer.source, customer);
const personIdOfContact = (contact: Contact) => personIdOf('hubspot', contact);

async function ingestShopify(ctx: HandlerContext, job: IngestJob): Promise<IngestOutcome> {
  if (job.topic === 'app/uninstalled') {
    const forgot = await forgetShopInstallation(ctx.store, job.shopId, ctx.purger ?? null, ctx.deps.now(), job.occurredAt);
    if (forgot.superseded) return { status: 'ignored', reason: 'app uninstalled before the current install: nothing removed' };
    return { status: 'ignored', reason: `app uninstalled: ${forgot.sessions} sessions and ${forgot.pendingJobs} waiting jobs removed, Shopify disconnected, data kept` };
  }
  const parsed = parseShopifyWebhook(job.topic, job.payload);
  if (!parsed.ok) return { status: 'rejected', reason: parsed.reason };
  const event = parsed.event;
  if (event.kind === 'customer-deleted') {
    // The customer is gone from Shopify: gone from here too, with the memberships recorded for it;
    // the person (by email: CSV or HubSpot records may remain) is re-scored.
    const stored = await ctx.store.getCustomer(job.shopId, 'shopify', event.customerId);
    await ctx.store.deleteCustomer(job.shopId, 'shopify', event.customerId);
    return { status: 'stored', personId: stored ? personIdOfCustomer(stored) : null };
  }
  // A customer redacted earlier (customers/redact) is not stored again.
  const suppression = await loadSuppression(ctx.store, job.shopId);
  if (event.kind === 'customer' ? suppression.customer(event.customer) : suppression.order(event.order) || (event.customer !== null && suppression.customer(event.customer))) {
    return { status: 'ignored', reason: 'suppressed: the customer was redacted' };
  }
  if (event.kind === 'customer') {
    const stored = await ctx.store.getCustomer(job.shopId, 'shopify', event.customer.id);
    const merged = mergeWebhookCustomer(event.customer, event.notSent, stored);
    const personId = personIdOfCustomer(merged);
    if (merged === stored) return { status: 'stale', personId };
    await ctx.store.savePage(job.shopId, { customers: [merged] });
    return { status: 'stored', personId };
  }
  const storedOrder = await ctx.store.getOrder(job.shopId, 'shopify', event.order.id);
  const customers: Customer[] = [];
  let customer: Customer | null = null;
  if (event.customer) {
    const storedCustomer = await ctx.store.getCustomer(job.shopId, 'shopify', event.customer.id);
    customer = mergeWebhookCustomer(event.customer, event.notSent, storedCustomer);
    if (customer !== storedCustomer) customers.push(customer);
  } else if (event.order.customerId) {
    customer = await ctx.store.getCustomer(job.shopId, 'shopify', event.order.customerId);
  }
  const personId = customer ? personIdOfCustomer(customer) : null;
  const orderIsNew = isNewer(event.order.updatedAt, storedOrder?.updatedAt);
  if (!orderIsNew && customers.length === 0) return { status: 'stale', personId };
  // A customer we do not know yet is stored from the order's own customer when it has one; an
  // order whose customer is unknown and absent waits for the next sync to link it.
  await ctx.store.savePage(job.shopId, { customers, ...(orderIsNew ? { orders: [event.order] } : {}) });
  return { status: 'stored', personId };
}

async function ingestHubSpot(ctx: HandlerContext, job: IngestJob): Promise<IngestOutcome> {
  const parsed = parseHubSpotWebhookEvent(job.payload);
  if ('reason' in parsed) return { status: 'rejected', reason: parsed.reason };
  const event = parsed.event;
  const stored = await ctx.store.getContact(job.shopId, event.contactId);
  if (event.kind === 'contact.deleted' || event.kind === 'contact.privacyDeleted') {
    await ctx.store.deleteContact(job.shopId, event.contactId);
    return { status: 'stored', personId: stored ? personIdOfContact(stored) : null };
  }
  const clients = await clientsOf(ctx)(job.shopId);
  if (!clients.hubspot) return { status: 'ignored', reason: `${job.shopId} has no HubSpot portal connected` };
  // The webhook names the change; the record itself is read (one request) so that what is stored
  // is HubSpot's current state, whatever order the deliveries came in.
  const contact = await readContact(clients.hubspot, event.contactId);
  if (!contact) {
    await ctx.store.deleteContact(job.shopId, event.contactId);
    return { status: 'stored', personId: stored ? personIdOfContact(stored) : null };
  }
  if (stored && !isNewer(contact.updatedAt, stored.updatedAt)) return { status: 'stale', personId: personIdOfContact(stored) };
  if ((await loadSuppression(ctx.store, job.shopId)).contact(contact)) return { status: 'ignored', reason: 'suppressed: the customer was redacted' };
  await ctx.store.savePage(job.shopId, { contacts: [contact] });
  return { status: 'stored', personId: personIdOfContact(contact) };
}

/**
 * Storefront events of a customer (app/server/pixel-routes.ts stored them already): the person is
 * re-scored as for an order webhook, and the re-score reads their events (app/realtime/person-data.ts).
 * When their latest checkout is still open, a second re-score is due when it would count as
 * abandoned. A customer not synced yet, or redacted since, is left alone.
 */
async function ingestPixel(ctx: HandlerContext, job: IngestJob): Promise<IngestOutcome> {
  const customerId = typeof job.payload === 'object' && job.payload !== null ? (job.payload as { customerId?: unknown }).customerId : undefined;
  if (typeof customerId !== 'string' || !/^gid:\/\/shopify\/Customer\/[0-9]{1,20}$/.test(customerId)) return { status: 'rejected', reason: 'the pixel job names no customer' };
  const customer = await ctx.store.getCustomer(job.shopId, 'shopify', customerId);
  const suppression = await loadSuppression(ctx.store, job.shopId);
  if (suppression.customer(customer ?? { source: 'shopify', id: customerId, email: null })) return { status: 'ignored', reason: 'suppressed: the customer was redacted' };
  if (!customer) return { status: 'ignored', reason: 'the customer is not synced yet: the next sync scores them' };
  const nowMs = ctx.deps.now().getTime();
  const recent = await ctx.store.listPixelEvents(job.shopId, {
    customerId,
    since: new Date(nowMs - STOREFRONT_POLICY.abandonAfterMinutes * 60_000).toISOString(),
    limit: 1000,
  });
  const recheckAtMs = pendingAbandonment(recent, nowMs);
  return { status: 'stored', personId: personIdOfCustomer(customer), ...(recheckAtMs === null ? {} : { recheckAtMs }) };
}

export async function handleIngest(ctx: HandlerContext, job: IngestJob): Promise<IngestOutcome> {
  if (typeof job.eventId !== 'string' || job.eventId === '') return { status: 'rejected', reason: 'the delivery has no event id' };
  if (!(await ctx.ledger.firstSeen(job.shopId, job.source, job.eventId))) return { status: 'duplicate' };
  let outcome: IngestOutcome;
  if (job.source === 'shopify') outcome = await ingestShopify(ctx, job);
  else if (job.source === 'hubspot') outcome = await ingestHubSpot(ctx, job);
  else if (job.source === 'pixel') outcome = await ingestPixel(ctx, job);
  else outcome = { status: 'ignored', reason: `${String(job.source)} events are not ingested` };
  if ((outcome.status === 'stored' || outcome.status === 'stale') && outcome.personId) {
    // Stale deliveries re-score too: harmless, and it repairs a person whose earlier re-score failed.
    await ctx.queue.enqueue('scoring', { shopId: job.shopId, personId: outcome.personId }, { coalesce: { id: `score|${job.shopId}|${outcome.personId}`, windowMs: ctx.coalesceMs ?? DEFAULT_COALESCE_MS } });
    if (outcome.status === 'stored' && outcome.recheckAtMs !== undefined) {
      // One delayed re-score per pending checkout (the id names its deadline), a second after it.
      await ctx.queue.enqueue(
        'scoring',
        { shopId: job.shopId, personId: outcome.personId },
        { jobId: `score-abandon|${job.shopId}|${outcome.personId}|${outcome.recheckAtMs}`, delayMs: Math.max(0, outcome.recheckAtMs - ctx.deps.now().getTime()) + 1000 },
      );
    }
  }
  return outcome;
}

/** How long a re-score waits for another re-score of the same person to finish before it goes back to the queue. */
export const PERSON_LOCK_WAIT = { maxMs: 3000, pollMs: 20 } as const;

export interface ScoringOutcome {
  status: string;
  reason?: string;
  version?: number;
  /** The Shopify write of this re-score: done in the job, or handed to the Shopify push queue. */
  shopify?: { status: string; reason?: string };
}

export async function handleScoring(ctx: HandlerContext, job: ScoringJob): Promise<ScoringOutcome> {
  // A re-score of the same person in hand (a delivery came while it ran) takes tens of
  // milliseconds: wait for it rather than go back to the queue for the retry backoff.
  for (let waited = 0; ; waited += PERSON_LOCK_WAIT.pollMs) {
    const outcome = await ctx.personLock.withLock(`${job.shopId}|${job.personId}`, () => rescore(ctx, job));
    if (!outcome.busy) return outcome.value;
    if (waited >= PERSON_LOCK_WAIT.maxMs) throw new RefineryError('BUSY', `${job.personId} is being re-scored; this re-score goes after it`);
    await ctx.deps.sleep(PERSON_LOCK_WAIT.pollMs);
  }
}

async function rescore(ctx: HandlerContext, job: ScoringJob): Promise<ScoringOutcome> {
  const computed = await computePersonTarget(ctx.store, job.shopId, job.personId, ctx.deps.now);
  if (computed.status === 'skipped') return { status: 'skipped', reason: computed.reason };
  const version = await ctx.versions.next(job.shopId, job.personId);
  const push: PushJob = { shopId: job.shopId, personId: job.personId, version, target: computed.target };
  // Without a portal the HubSpot push would only find that out; a portal connected later gets
  // everyone from its first sync.
  if (computed.settings.hubspot) await ctx.queue.enqueue('hubspotPush', push, { jobId: `push-hubspot|${job.shopId}|${job.personId}|${version}` });
  // The Shopify write now, as its push job would do it. Any failure (retriable or not) hands the
  // write to the push job, which retries it or fails for good where it can be seen.
  let written: { busy: true } | { busy: false; value: { status: string; reason?: string } };
  try {
    const clients = await clientsWithSettings(clientsOf(ctx), job.shopId, computed.settings);
    // No newer re-score can exist: re-scores of the person hold its lock, as this one does.
    written = await writeShopifyPush(ctx, clients, push, { latest: true });
  } catch (error) {
    ctx.deps.log(`${job.personId}: Shopify write of v${version} handed to the push queue: ${error instanceof Error ? error.message : String(error)}`);
    written = { busy: true };
  }
  if (written.busy) {
    await ctx.queue.enqueue('shopifyPush', push, { jobId: `push-shopify|${job.shopId}|${job.personId}|${version}` });
    return { status: 'scored', version, shopify: { status: 'queued' } };
  }
  return { status: 'scored', version, shopify: written.value };
}

/**
 * A Shopify push under the person's Shopify lock: dropped when a newer re-score exists (unless the
 * caller knows it is the latest), else the write, then one Flow trigger job per membership it
 * started. `busy` when another write of the person is in hand.
 */
function writeShopifyPush(ctx: HandlerContext, clients: PlatformClients, job: PushJob, known: { latest?: boolean } = {}): Promise<{ busy: true } | { busy: false; value: { status: string; reason?: string } }> {
  return ctx.personLock.withLock(`shopify|${job.shopId}|${job.personId}`, async () => {
    if (!known.latest && (await ctx.versions.latest(job.shopId, job.personId)) > job.version) return { status: 'superseded' };
    const entered: MembershipStart[] = [];
    const onStarted = (await firesFlowTriggers(ctx.store, job.shopId)) ? (rows: readonly MembershipStart[]) => void entered.push(...rows) : undefined;
    const result = await writePersonToShopify(ctx.store, clients.shopify, clients.settings, job.target, ctx.deps.now, onStarted);
    if (entered.length > 0) {
      // The write is done and recorded: a trigger that cannot be queued is logged, not retried
      // by failing this push (which would write nothing new).
      const definitions = (await ctx.store.listSegmentSnapshot(job.shopId)).map((s) => s.definition);
      for (const trigger of flowTriggerJobs(job.shopId, entered, definitions, `v${job.version}`)) {
        await ctx.queue.enqueue('flowTrigger', trigger, { jobId: flowTriggerJobId(trigger) }).catch((error: unknown) => ctx.deps.log(`flow trigger ${flowTriggerJobId(trigger)} not queued: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
    return { status: 'written', reason: result.errors.map((e) => e.message).join('; ') || undefined };
  });
}

async function handlePush(ctx: HandlerContext, platform: 'shopify' | 'hubspot', job: PushJob): Promise<{ status: string; reason?: string }> {
  if (platform === 'shopify') {
    const written = await writeShopifyPush(ctx, await clientsOf(ctx)(job.shopId), job);
    if (written.busy) throw new RefineryError('BUSY', `${job.personId} is being written to Shopify; this write goes after it`);
    return written.value;
  }
  const outcome = await ctx.personLock.withLock(`${platform}|${job.shopId}|${job.personId}`, async () => {
    if ((await ctx.versions.latest(job.shopId, job.personId)) > job.version) return { status: 'superseded' };
    const clients = await clientsOf(ctx)(job.shopId);
    if (!clients.hubspot) return { status: 'skipped', reason: 'no HubSpot portal connected' };
    const result = await writePersonToHubSpot(ctx.store, clients.hubspot, clients.settings, job.target, ctx.deps.now);
    return { status: 'written', reason: result.errors.map((e) => e.message).join('; ') || undefined };
  });
  if (outcome.busy) throw new RefineryError('BUSY', `${job.personId} is being written to ${platform}; this write goes after it`);
  return outcome.value;
}

/** One Flow trigger with the shop's Admin client; retriable failures go back to the queue's retry policy. */
export async function handleFlowTrigger(ctx: HandlerContext, job: FlowTriggerJob): Promise<{ status: string; reason?: string }> {
  let clients: Awaited<ReturnType<PlatformClientFactory>>;
  try {
    clients = await clientsOf(ctx)(job.shopId);
  } catch (error) {
    if (error instanceof RefineryError && error.code === 'NOT_FOUND' && !(await ctx.store.getShopSettings(job.shopId))) return { status: 'skipped', reason: `unknown shop ${job.shopId}` };
    throw error;
  }
  await sendFlowTrigger(clients.shopify, job);
  return { status: 'sent' };
}

export function createHandlers(options: HandlerContext): Handlers {
  // One client cache for every job these handlers run.
  const ctx: HandlerContext = { ...options, clients: clientsOf(options) };
  // Syncs hand their Flow triggers to the queue (the flowTrigger workers send them).
  const syncCtx = { store: ctx.store, deps: { ...ctx.deps, queue: ctx.queue }, lock: ctx.shopLock };
  const syncOptions = ctx.pollIntervalMs === undefined ? {} : { pollIntervalMs: ctx.pollIntervalMs };
  return {
    fullSync: (data) => runSyncJob(syncCtx, 'full', data, syncOptions),
    incrementalSync: (data) => runSyncJob(syncCtx, 'incremental', data, syncOptions),
    ingest: (data) => handleIngest(ctx, data),
    scoring: (data) => handleScoring(ctx, data),
    shopifyPush: (data) => handlePush(ctx, 'shopify', data),
    hubspotPush: (data) => handlePush(ctx, 'hubspot', data),
    flowTrigger: (data) => handleFlowTrigger(ctx, data),
    privacy: (data) => handlePrivacy({ store: ctx.store, purger: ctx.purger ?? createLocalPurger(), now: ctx.deps.now }, data),
  };
}
