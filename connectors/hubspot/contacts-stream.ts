// HubSpot contacts in: a full read through the contacts list (100 per page), then incremental
// reads through search on lastmodifieddate. Search stops at 10,000 results per query, so an
// incremental read moves its window forward (from the last timestamp seen) before reaching that
// limit; if more than 10,000 contacts share one timestamp, that instant is paged by record id.
// When most contacts changed since the last read, the list is read again instead (quicker).
import type { Contact } from '../../core/model.ts';
import { RefineryError } from '../../core/errors.ts';
import type { Stream, StreamPage } from '../shared/stream.ts';
import { formatContactCheckpoint, parseContactCheckpoint } from './contact-checkpoint.ts';
import type { HubSpotClient } from './hubspot-client.ts';
import { mapContact } from './mapping.ts';
import { CONTACT_PROPERTIES, HUBSPOT_LIMITS } from './platform.ts';
import { rawContactSchema } from './raw-contact.ts';

export interface ContactPullContext {
  client: HubSpotClient;
  full: boolean;
  /** Reported for each contact skipped because HubSpot sent something unreadable. */
  onSkip?: (id: string, reason: string) => void;
  onProgress?: (stream: string, event: string) => void;
}

interface SearchFilter {
  propertyName: string;
  operator: 'EQ' | 'GT' | 'GTE';
  value: string;
}

interface SearchPage {
  total?: number;
  results: unknown[];
  paging?: { next?: { after?: string } };
}

const NAME = 'hubspot.contacts';
const ms = (iso: string) => String(Date.parse(iso));

function toContacts(results: unknown[], ctx: ContactPullContext): Contact[] {
  const contacts: Contact[] = [];
  for (const item of results) {
    const parsed = rawContactSchema.safeParse(item);
    if (!parsed.success) {
      ctx.onSkip?.(String((item as { id?: unknown })?.id ?? '?'), `unreadable contact: ${parsed.error.message}`);
      continue;
    }
    try {
      contacts.push(mapContact(parsed.data));
    } catch (error) {
      ctx.onSkip?.(parsed.data.id, error instanceof Error ? error.message : String(error));
    }
  }
  return contacts;
}

/** How far before a full read's start later reads look back: our clock against HubSpot's. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Reads every contact through the list. Later reads take what changed since `startedAt` minus
 * `skewMs`; a read that knows HubSpot's own time at its start passes a smaller margin.
 */
async function* fullRead(ctx: ContactPullContext, after: string | null, startedAt: string, skewMs = CLOCK_SKEW_MS): AsyncGenerator<StreamPage<Contact>> {
  let cursor = after;
  let read = 0;
  for (;;) {
    const page = await ctx.client.call('contacts page', (sdk) =>
      sdk.crm.contacts.basicApi.getPage(HUBSPOT_LIMITS.listPageSize, cursor ?? undefined, [...CONTACT_PROPERTIES]),
    );
    const next = page.paging?.next?.after ?? null;
    const records = toContacts(page.results, ctx);
    read += records.length;
    ctx.onProgress?.(NAME, `${read} contacts read`);
    if (next === null) {
      // Done: later reads take what changed since the full read began (minus skew).
      const since = new Date(Date.parse(startedAt) - skewMs).toISOString();
      yield { records, checkpoint: formatContactCheckpoint({ mode: 'incremental', since }) };
      return;
    }
    yield { records, checkpoint: formatContactCheckpoint({ mode: 'full', after: next, startedAt }) };
    cursor = next;
  }
}

async function search(
  ctx: ContactPullContext,
  filterGroups: Array<{ filters: SearchFilter[] }>,
  sortBy: string,
  after: string | undefined,
  limit: number = HUBSPOT_LIMITS.searchPageSize,
  direction: 'ASCENDING' | 'DESCENDING' = 'ASCENDING',
): Promise<SearchPage> {
  return ctx.client.call(
    'contacts search',
    (sdk) =>
      sdk.crm.contacts.searchApi.doSearch({
        filterGroups,
        sorts: [{ propertyName: sortBy, direction }],
        properties: [...CONTACT_PROPERTIES],
        limit,
        after,
      } as never) as Promise<SearchPage>,
    { search: true },
  );
}

/** Pages of one search query, stopping before the 10,000-result limit. Returns whether it ran dry. */
async function* searchPages(ctx: ContactPullContext, filterGroups: Array<{ filters: SearchFilter[] }>, sortBy: string): AsyncGenerator<Contact[], boolean> {
  let after: string | undefined;
  let seen = 0;
  for (;;) {
    const page = await search(ctx, filterGroups, sortBy, after);
    seen += page.results.length;
    yield toContacts(page.results, ctx);
    const next = page.paging?.next?.after;
    if (!next) return true;
    if (seen + HUBSPOT_LIMITS.searchPageSize > HUBSPOT_LIMITS.searchMaxResults) return false;
    after = next;
  }
}

const changedSince = (since: string) => [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE' as const, value: ms(since) }] }];

/**
 * Whether reading every contact is quicker than searching the changed ones. Search pages hold 200
 * contacts at a few searches a second; list pages hold 100 at the portal's whole request rate. So
 * when most contacts changed (our own property writes of the last run modify every contact they
 * touch), the list wins: at 250 requests per 10 s, once more than 40 % changed. Two one-result
 * searches find out, the second only when the changes fill more than one search page. The first
 * also gives the latest modification time, HubSpot's own clock at the start of the read.
 */
async function fullReadIsQuicker(ctx: ContactPullContext, since: string): Promise<{ quicker: false } | { quicker: true; changed: number; all: number; latest: string }> {
  const probe = await search(ctx, changedSince(since), 'lastmodifieddate', undefined, 1, 'DESCENDING');
  const changed = probe.total ?? 0;
  if (changed <= HUBSPOT_LIMITS.searchPageSize) return { quicker: false };
  const latest = toContacts(probe.results, ctx)[0]?.updatedAt;
  if (latest === undefined) return { quicker: false };
  const all = (await search(ctx, [], 'hs_object_id', undefined, 1)).total ?? 0;
  const { requestsPerTenSeconds, searchRequestsPerSecond } = ctx.client.rates;
  const searchSeconds = changed / (HUBSPOT_LIMITS.searchPageSize * searchRequestsPerSecond);
  const listSeconds = all / ((HUBSPOT_LIMITS.listPageSize * requestsPerTenSeconds) / 10);
  return listSeconds < searchSeconds ? { quicker: true, changed, all, latest } : { quicker: false };
}

async function* incrementalRead(ctx: ContactPullContext, since: string): AsyncGenerator<StreamPage<Contact>> {
  let windowStart = since;
  let read = 0;
  for (;;) {
    let last: Contact | undefined;
    const pages = searchPages(ctx, changedSince(windowStart), 'lastmodifieddate');
    let result = await pages.next();
    while (!result.done) {
      const records = result.value;
      last = records.at(-1) ?? last;
      read += records.length;
      const mark = last && Date.parse(last.updatedAt) > Date.parse(windowStart) ? last.updatedAt : windowStart;
      yield { records, checkpoint: formatContactCheckpoint({ mode: 'incremental', since: mark }) };
      ctx.onProgress?.(NAME, `${read} changed contacts read`);
      result = await pages.next();
    }
    if (result.value) return; // the query ran dry: everything changed has been read
    const lastStamp = last?.updatedAt ?? windowStart;
    if (Date.parse(lastStamp) > Date.parse(windowStart)) {
      windowStart = lastStamp; // next window starts at the last timestamp seen (inclusive)
      continue;
    }
    // More than 10,000 contacts modified at the same instant: page that instant by record id.
    let lastId = '0';
    for (;;) {
      const instant = searchPages(ctx, [{ filters: [
        { propertyName: 'lastmodifieddate', operator: 'EQ', value: ms(lastStamp) },
        { propertyName: 'hs_object_id', operator: 'GT', value: lastId },
      ] }], 'hs_object_id');
      let step = await instant.next();
      let progressed = false;
      while (!step.done) {
        const records = step.value;
        const tail = records.at(-1);
        if (tail) {
          lastId = tail.id;
          progressed = true;
        }
        read += records.length;
        yield { records, checkpoint: formatContactCheckpoint({ mode: 'incremental', since: lastStamp }) };
        step = await instant.next();
      }
      if (step.value || !progressed) break;
    }
    windowStart = new Date(Date.parse(lastStamp) + 1).toISOString();
  }
}

export const contactsStream: Stream<Contact, ContactPullContext> = {
  name: NAME,
  model: 'contact',
  async *pull(ctx, checkpointText) {
    const checkpoint = parseContactCheckpoint(checkpointText);
    if (ctx.full || checkpoint === null) {
      yield* fullRead(ctx, null, new Date(ctx.client.deps.now()).toISOString());
      return;
    }
    if (checkpoint.mode === 'full') {
      ctx.onProgress?.(NAME, 'resuming the full read');
      yield* fullRead(ctx, checkpoint.after, checkpoint.startedAt);
      return;
    }
    if (Number.isNaN(Date.parse(checkpoint.since))) throw new RefineryError('STORE', `hubspot.contacts checkpoint has a bad date: ${checkpoint.since}`);
    const choice = await fullReadIsQuicker(ctx, checkpoint.since);
    if (choice.quicker) {
      // A full read restarts from the first contact; its own checkpoints resume it if interrupted
      // (with the usual 5-minute margin then).
      ctx.onProgress?.(NAME, `${choice.changed} of ${choice.all} contacts changed since ${checkpoint.since}: reading them all is quicker than searching`);
      // From HubSpot's latest modification time (1 s margin) rather than our clock's 5 minutes, so
      // that the next read does not take the same contacts again.
      yield* fullRead(ctx, null, choice.latest, 1000);
      return;
    }
    yield* incrementalRead(ctx, checkpoint.since);
  },
};
