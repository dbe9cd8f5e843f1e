// Lists v3: create, fetch by id / by name / several ids, search, rename, delete and restore.
import { notFound, validationError } from './errors.ts';
import { listJson, listNotFound } from './list-store.ts';
import type { ListRecord } from './list-store.ts';
import type { PortalState } from './portal-state.ts';
import { toIso } from './property-values.ts';
import { NO_CONTENT, boolParam, listParam, ok, requireObject, stringArray } from './route-types.ts';
import type { Route, RouteContext } from './route-types.ts';

const MAX_SEARCH_COUNT = 500;

export function listBody(portal: PortalState, list: ListRecord, includeFilters: boolean): Record<string, unknown> {
  return listJson(list, portal.membersOf(list).length, includeFilters);
}

async function create(ctx: RouteContext) {
  const list = ctx.portal.lists.create(await ctx.body());
  ctx.portal.snapshot(list);
  return ok({ list: listBody(ctx.portal, list, true) });
}

function getByName(ctx: RouteContext) {
  const [objectTypeId = '', listName = ''] = ctx.params;
  const list = ctx.portal.lists.byName(listName, objectTypeId);
  if (!list) throw notFound(`List does not exist with name ${listName} for object type ${objectTypeId}.`, { subCategory: 'ILS.LIST_DOES_NOT_EXIST' });
  return ok({ list: listBody(ctx.portal, list, boolParam(ctx.url, 'includeFilters')) });
}

function getAll(ctx: RouteContext) {
  const ids = listParam(ctx.url, 'listIds') ?? [];
  const includeFilters = boolParam(ctx.url, 'includeFilters');
  const lists = ids.map((id) => ctx.portal.lists.find(id)).filter((list): list is ListRecord => list !== undefined && list.deletedAt === null);
  return ok({ lists: lists.map((list) => listBody(ctx.portal, list, includeFilters)) });
}

async function search(ctx: RouteContext) {
  const body = requireObject((await ctx.body()) ?? {});
  const offset = typeof body.offset === 'number' ? body.offset : 0;
  const count = typeof body.count === 'number' ? body.count : 20;
  if (!Number.isInteger(offset) || offset < 0) throw validationError('offset must be a non-negative integer');
  if (!Number.isInteger(count) || count < 1 || count > MAX_SEARCH_COUNT) throw validationError(`count must be between 1 and ${MAX_SEARCH_COUNT}`);
  const query = typeof body.query === 'string' ? body.query.trim().toLowerCase() : '';
  const types = stringArray(body.processingTypes, 'processingTypes');
  const ids = stringArray(body.listIds, 'listIds');
  const matched = ctx.portal.lists
    .all()
    .filter((list) => (query === '' || list.name.toLowerCase().includes(query)) && (types === null || types.includes(list.processingType)) && (ids === null || ids.includes(String(list.listId))))
    .sort((a, b) => a.listId - b.listId);
  const page = matched.slice(offset, offset + count);
  return ok({
    lists: page.map((list) => {
      const members = ctx.portal.membersOf(list);
      const lastAdded = members.reduce((max, [, at]) => Math.max(max, at), 0);
      const { size: _size, membershipSettings: _m, listPermissions: _p, ...fields } = listJson(list, members.length, false);
      return { ...fields, additionalProperties: { hs_list_size: String(members.length), hs_list_reference_count: '0', ...(lastAdded > 0 ? { hs_last_record_added_at: String(lastAdded) } : {}) } };
    }),
    total: matched.length,
    offset: offset + page.length,
    hasMore: offset + page.length < matched.length,
  });
}

function rename(ctx: RouteContext) {
  const list = ctx.portal.lists.require(ctx.params[0] ?? '');
  const name = ctx.url.searchParams.get('listName');
  if (name === null) throw validationError('Some required fields were not set: [listName]');
  ctx.portal.lists.rename(list, name);
  return ok({ updatedList: listBody(ctx.portal, list, boolParam(ctx.url, 'includeFilters')) });
}

function recordMemberships(ctx: RouteContext) {
  const [objectTypeId = '', recordId = ''] = ctx.params;
  const id = Number(recordId);
  const results = ctx.portal.lists
    .all()
    .filter((list) => list.objectTypeId === objectTypeId)
    .flatMap((list) => {
      const joined = ctx.portal.membersOf(list).find(([member]) => member === id);
      return joined ? [{ listId: String(list.listId), listVersion: list.listVersion, firstAddedTimestamp: toIso(joined[1]), lastAddedTimestamp: toIso(joined[1]) }] : [];
    });
  return ok({ results, total: results.length });
}

export const listRoutes: Route[] = [
  { method: 'POST', pattern: /^\/crm\/v3\/lists$/, kind: 'lists.create', handle: create },
  { method: 'GET', pattern: /^\/crm\/v3\/lists$/, kind: 'lists.getAll', handle: getAll },
  { method: 'POST', pattern: /^\/crm\/v3\/lists\/search$/, kind: 'lists.search', handle: search },
  { method: 'GET', pattern: /^\/crm\/v3\/lists\/object-type-id\/([^/]+)\/name\/([^/]+)$/, kind: 'lists.getByName', handle: getByName },
  { method: 'GET', pattern: /^\/crm\/v3\/lists\/records\/([^/]+)\/([^/]+)\/memberships$/, kind: 'lists.recordMemberships', handle: recordMemberships },
  {
    method: 'GET',
    pattern: /^\/crm\/v3\/lists\/(\d+)$/,
    kind: 'lists.get',
    handle: (ctx) => ok({ list: listBody(ctx.portal, ctx.portal.lists.require(ctx.params[0] ?? ''), boolParam(ctx.url, 'includeFilters')) }),
  },
  {
    method: 'DELETE',
    pattern: /^\/crm\/v3\/lists\/(\d+)$/,
    kind: 'lists.delete',
    handle: (ctx) => {
      ctx.portal.lists.remove(ctx.portal.lists.require(ctx.params[0] ?? ''));
      return NO_CONTENT;
    },
  },
  {
    method: 'PUT',
    pattern: /^\/crm\/v3\/lists\/(\d+)\/restore$/,
    kind: 'lists.restore',
    handle: (ctx) => {
      ctx.portal.lists.restore(ctx.params[0] ?? '');
      return NO_CONTENT;
    },
  },
  { method: 'PUT', pattern: /^\/crm\/v3\/lists\/(\d+)\/update-list-name$/, kind: 'lists.updateName', handle: rename },
  {
    method: 'GET',
    pattern: /^\/crm\/v3\/lists\/([^/]+)$/,
    kind: 'lists.get',
    handle: (ctx) => {
      throw listNotFound(ctx.params[0] ?? '');
    },
  },
];
