// HubSpot contacts in: a full read through the contacts list (100 per page), then incremental
// reads through search on lastmodifieddate. Search stops at 10,000 results per query, so an
// incremental read moves its window forward (from the last timestamp seen) before reaching that
// limit; if more than 10,000 contacts share one timestamp, that instant is paged by record id.
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

async function* fullRead(ctx: ContactPullContext, after: string | null, startedAt: string): AsyncGenerator<StreamPage<Contact>> {
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
      const since = new Date(Date.parse(startedAt) - 5 * 60_000).toISOString();
      yield { records, checkpoint: formatContactCheckpoint({ mode: 'incremental', since }) };
      return;
    }
    yield { records, checkpoint: formatContactCheckpoint({ mode: 'full', after: next, startedAt }) };
    cursor = next;
  }
}

async function search(ctx: ContactPullContext, filterGroups: Array<{ filters: SearchFilter[] }>, sortBy: string, after: string | undefined): Promise<SearchPage> {
  return ctx.client.call(
    'contacts search',
    (sdk) =>
      sdk.crm.contacts.searchApi.doSearch({
        filterGroups,
        sorts: [{ propertyName: sortBy, direction: 'ASCENDING' }],
        properties: [...CONTACT_PROPERTIES],
        limit: HUBSPOT_LIMITS.searchPageSize,
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

async function* incrementalRead(ctx: ContactPullContext, since: string): AsyncGenerator<StreamPage<Contact>> {
  let windowStart = since;
  let read = 0;
  for (;;) {
    let last: Contact | undefined;
    const pages = searchPages(ctx, [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: ms(windowStart) }] }], 'lastmodifieddate');
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
    yield* incrementalRead(ctx, checkpoint.since);
  },
};
