// POST /crm/v3/objects/contacts/search: filters, query, sorts, `limit` up to 200, `after` offsets,
// `total`; paging past the 10,000th result is refused with a 400, as HubSpot does. The per-second
// limit of the search endpoints is applied by the server (route flag `search`).
import { contactJson } from './contact-store.ts';
import type { ContactRecord, Selection } from './contact-store.ts';
import { validationError } from './errors.ts';
import type { Route, RouteContext } from './route-types.ts';
import { ok, requireObject, stringArray } from './route-types.ts';
import { matchesGroups, matchesQuery, parseFilterGroups, parseSorts, sortRecords } from './search-filters.ts';

export const MAX_SEARCH_LIMIT = 200;
export const MAX_SEARCH_RESULTS = 10_000;

function integer(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0) throw validationError(`Invalid input JSON: ${field} must be a non-negative integer; got ${JSON.stringify(value)}`);
  return n;
}

async function search(ctx: RouteContext) {
  const body = requireObject((await ctx.body()) ?? {});
  const props = ctx.portal.properties;
  const limit = integer(body.limit, 'limit', 10);
  if (limit > MAX_SEARCH_LIMIT) throw validationError(`limit must be less than or equal to ${MAX_SEARCH_LIMIT}; got ${limit}`, { subCategory: 'SEARCH.LIMIT_TOO_HIGH' });
  const after = integer(body.after, 'after', 0);
  if (after >= MAX_SEARCH_RESULTS) {
    throw validationError(`Search results are limited to ${MAX_SEARCH_RESULTS} per query; paging past them (after ${after}) is not allowed. Narrow the query, for example by a lastmodifieddate range.`, {
      subCategory: 'SEARCH.RESULT_WINDOW_TOO_LARGE',
      context: { after: [String(after)], limit: [String(limit)] },
    });
  }
  const groups = parseFilterGroups(body.filterGroups, props);
  const sorts = parseSorts(body.sorts, props);
  const query = typeof body.query === 'string' ? body.query : '';
  const selection: Selection = { properties: stringArray(body.properties, 'properties') };
  // Pages of one query reuse its ordered matches while no contact changes.
  const key = JSON.stringify([body.filterGroups ?? null, body.sorts ?? null, query]);
  const cache = ctx.portal.searchCache;
  let matched: ContactRecord[];
  if (cache && cache.key === key && cache.version === ctx.portal.contacts.version) matched = cache.records;
  else {
    matched = sortRecords(
      ctx.portal.contacts.all().filter((record) => matchesGroups(groups, record) && matchesQuery(query, record)),
      sorts,
    );
    ctx.portal.searchCache = { key, version: ctx.portal.contacts.version, records: matched };
  }
  const page = matched.slice(after, Math.min(after + limit, MAX_SEARCH_RESULTS));
  const response: Record<string, unknown> = { total: matched.length, results: page.map((record) => contactJson(record, selection, props)) };
  if (after + limit < matched.length && limit > 0) response.paging = { next: { after: String(after + limit) } };
  return ok(response);
}

export const searchRoutes: Route[] = [{ method: 'POST', pattern: /^\/crm\/v3\/objects\/contacts\/search$/, kind: 'contacts.search', search: true, handle: search }];
