// Contacts basic API (/crm/v3/objects/contacts): page through, read by id or email, create,
// update, archive, and GDPR delete.
import { contactJson, prepareWrites } from './contact-store.ts';
import type { ContactRecord, Selection } from './contact-store.ts';
import { notFound, validationError } from './errors.ts';
import { API_CHANGE_SOURCE } from './portal-state.ts';
import type { PortalState } from './portal-state.ts';
import { NO_CONTENT, boolParam, intParam, listParam, ok, requireObject } from './route-types.ts';
import type { Route, RouteContext } from './route-types.ts';

const BASE = '/crm/v3/objects/contacts';
export const MAX_PAGE_SIZE = 100;

export function selectionFrom(url: URL): Selection {
  return { properties: listParam(url, 'properties'), propertiesWithHistory: listParam(url, 'propertiesWithHistory') ?? [] };
}

/** A contact by record id or, with idProperty=email, by email; HubSpot's 404 otherwise. */
export function findContact(portal: PortalState, id: string, idProperty: string | null, archived = false): ContactRecord {
  let record: ContactRecord | undefined;
  if (idProperty === 'email') record = portal.contacts.getByEmail(id);
  else if (idProperty === null || idProperty === 'hs_object_id') {
    record = portal.contacts.get(id) ?? (archived && /^\d+$/.test(id) ? portal.contacts.getIncludingArchived(Number(id)) : undefined);
  } else throw validationError(`Unable to perform lookup by non-unique 0-1 property ${idProperty} in portal ID ${portal.portalId}`);
  if (!record) throw notFound();
  return record;
}

function getPage(ctx: RouteContext) {
  const limit = intParam(ctx.url, 'limit', 10, MAX_PAGE_SIZE);
  const after = ctx.url.searchParams.get('after');
  if (after !== null && !/^\d+$/.test(after)) throw validationError(`after must be a record id cursor; got ${after}`);
  const from = after === null ? 0 : Number(after);
  const records = ctx.portal.contacts.page(from, limit + 1, boolParam(ctx.url, 'archived'));
  const page = records.slice(0, limit);
  const selection = selectionFrom(ctx.url);
  const body: Record<string, unknown> = { results: page.map((r) => contactJson(r, selection, ctx.portal.properties)) };
  const next = records[limit];
  if (next) {
    const link = new URL(`${ctx.origin}${BASE}`);
    link.searchParams.set('after', String(next.id));
    link.searchParams.set('limit', String(limit));
    body.paging = { next: { after: String(next.id), link: link.toString() } };
  }
  return ok(body);
}

async function create(ctx: RouteContext) {
  const body = requireObject(await ctx.body());
  const values = prepareWrites(ctx.portal.properties, ctx.portal.portalId, body.properties, 'api');
  const record = ctx.portal.createContact(values, API_CHANGE_SOURCE);
  return ok(contactJson(record, { properties: [...values.keys()] }, ctx.portal.properties), 201);
}

async function update(ctx: RouteContext) {
  const record = findContact(ctx.portal, ctx.params[0] ?? '', ctx.url.searchParams.get('idProperty'));
  const body = requireObject(await ctx.body());
  const values = prepareWrites(ctx.portal.properties, ctx.portal.portalId, body.properties, 'api');
  ctx.portal.updateContact(record, values, API_CHANGE_SOURCE);
  return ok(contactJson(record, { properties: [...values.keys()] }, ctx.portal.properties));
}

async function gdprDelete(ctx: RouteContext) {
  const body = requireObject(await ctx.body());
  if (typeof body.objectId !== 'string' && typeof body.objectId !== 'number') throw validationError('Some required fields were not set: [objectId]');
  const idProperty = typeof body.idProperty === 'string' ? body.idProperty : null;
  const record = findContact(ctx.portal, String(body.objectId), idProperty);
  ctx.portal.purgeContact(record, API_CHANGE_SOURCE);
  return NO_CONTENT;
}

export const contactRoutes: Route[] = [
  { method: 'GET', pattern: /^\/crm\/v3\/objects\/contacts$/, kind: 'contacts.getPage', handle: getPage },
  { method: 'POST', pattern: /^\/crm\/v3\/objects\/contacts$/, kind: 'contacts.create', handle: create },
  { method: 'POST', pattern: /^\/crm\/v3\/objects\/contacts\/gdpr-delete$/, kind: 'contacts.gdprDelete', handle: gdprDelete },
  {
    method: 'GET',
    pattern: /^\/crm\/v3\/objects\/contacts\/([^/]+)$/,
    kind: 'contacts.getById',
    handle: (ctx) => {
      const record = findContact(ctx.portal, ctx.params[0] ?? '', ctx.url.searchParams.get('idProperty'), boolParam(ctx.url, 'archived'));
      return ok(contactJson(record, selectionFrom(ctx.url), ctx.portal.properties));
    },
  },
  { method: 'PATCH', pattern: /^\/crm\/v3\/objects\/contacts\/([^/]+)$/, kind: 'contacts.update', handle: update },
  {
    method: 'DELETE',
    pattern: /^\/crm\/v3\/objects\/contacts\/([^/]+)$/,
    kind: 'contacts.archive',
    handle: (ctx) => {
      const record = ctx.portal.contacts.get(ctx.params[0] ?? '');
      if (record) ctx.portal.archiveContact(record, API_CHANGE_SOURCE);
      return NO_CONTENT;
    },
  },
];
