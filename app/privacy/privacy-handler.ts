// The privacy job: one compliance request (recorded by the webhook in privacy_requests; the job
// carries only its id, so no queue ever holds the customer's data) carried out.
// - customers/data_request: everything stored about the customer assembled and kept on the request
//   for the merchant (`refinery privacy show <id>`);
// - customers/redact: everything about the customer removed from the store in one transaction,
//   then from the queues and Redis; a suppression digest kept (suppression.ts); the request keeps
//   only counts;
// - shop/redact: every job and key of the shop, then every row of the shop.
// Each is idempotent: a retry (after a worker died, or while another worker held a matching job)
// does it again and finds less.
import { RefineryError } from '../../core/errors.ts';
import type { PrivacyJob } from '../jobs/job-types.ts';
import type { PrivacyRequest, PrivacySubject, RedactionCounts } from '../store/privacy-records.ts';
import type { Store } from '../store/store.ts';
import { parseComplianceWebhook } from './compliance-payloads.ts';
import type { PrivacyPurger } from './queue-purge.ts';
import { subjectKeys, suppressionDigest } from './suppression.ts';

export interface PrivacyContext {
  store: Store;
  purger: PrivacyPurger;
  now: () => Date;
}

export type PrivacyOutcome =
  | { status: 'missing' }
  | { status: 'completed'; topic: PrivacyRequest['topic']; counts: RedactionCounts };

/** Tokens that identify the subject in queues and keys: GIDs, their numeric ids, emails, person ids. */
function tokensOf(subject: PrivacySubject, personIds: readonly string[]): string[] {
  const numeric = subject.shopifyCustomerIds.map((gid) => /\/([0-9]+)$/.exec(gid)?.[1]).filter((n): n is string => n !== undefined);
  return [...subject.shopifyCustomerIds, ...numeric, ...subject.emails, ...personIds];
}

export async function handlePrivacy(ctx: PrivacyContext, job: PrivacyJob): Promise<PrivacyOutcome> {
  const request = await ctx.store.getPrivacyRequest(job.shopId, job.requestId);
  if (request === null) {
    // A shop redaction removes the shop's requests with it; nothing left to do.
    return { status: 'missing' };
  }
  const at = () => ctx.now().toISOString();
  if (request.topic === 'shop/redact') {
    const purged = await ctx.purger.purgeShop(job.shopId, job.requestId);
    if (purged.busy > 0) throw new RefineryError('BUSY', `${purged.busy} jobs of ${job.shopId} are being worked on; the shop redaction runs again after them`);
    await ctx.store.deleteShop(job.shopId);
    return { status: 'completed', topic: request.topic, counts: { jobs: purged.jobs, keys: purged.keys } };
  }
  if (request.status === 'completed' && request.topic === 'customers/data_request') return { status: 'completed', topic: request.topic, counts: {} };
  const parsed = request.payload === null ? null : parseComplianceWebhook(request.topic, request.payload);
  const subject = parsed?.ok ? parsed.request.subject : null;
  if (subject === null) {
    // A completed redaction keeps no payload: it was done.
    if (request.status === 'completed') return { status: 'completed', topic: request.topic, counts: {} };
    throw new RefineryError('VALIDATION', `privacy request ${request.id} has no readable payload`);
  }
  if (request.topic === 'customers/data_request') {
    const data = await ctx.store.collectPersonData(job.shopId, subject);
    await ctx.store.savePrivacyRequest(job.shopId, {
      ...request,
      status: 'completed',
      completedAt: at(),
      result: { ...data, collectedAt: at() } as unknown as Record<string, unknown>,
    });
    return { status: 'completed', topic: request.topic, counts: { customers: data.customers.length, orders: data.orders.length, contacts: data.contacts.length } };
  }
  // customers/redact
  const { personIds } = await ctx.store.collectPersonData(job.shopId, subject);
  const salt = await ctx.store.privacySalt(job.shopId, at());
  const counts = await ctx.store.redactPerson(job.shopId, subject, {
    suppress: subjectKeys(subject).map((key) => suppressionDigest(salt, key)),
    keepRequestId: request.id,
    at: at(),
  });
  const purged = await ctx.purger.purgePerson(job.shopId, tokensOf(subject, personIds));
  if (purged.busy > 0) throw new RefineryError('BUSY', `${purged.busy} jobs about the customer are being worked on; the redaction runs again after them`);
  const all = { ...counts, jobs: purged.jobs, keys: purged.keys };
  await ctx.store.savePrivacyRequest(job.shopId, { ...request, subject: null, payload: null, status: 'completed', completedAt: at(), result: { counts: all } });
  return { status: 'completed', topic: request.topic, counts: all };
}
