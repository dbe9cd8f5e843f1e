// Properties API for contacts (/crm/v3/properties/contacts, also addressed as 0-1 or contact):
// properties and property groups, listed, read, created, updated and archived.
import { groupJson, propertyJson } from './property-store.ts';
import { NO_CONTENT, boolParam, listParam, ok } from './route-types.ts';
import type { Route, RouteContext } from './route-types.ts';

const OBJECT = '(?:contacts|contact|0-1)';
const path = (suffix: string): RegExp => new RegExp(`^/crm/v3/properties/${OBJECT}${suffix}$`);

function getAll(ctx: RouteContext) {
  const wanted = listParam(ctx.url, 'properties');
  const defs = ctx.portal.properties.list(boolParam(ctx.url, 'archived')).filter((def) => wanted === null || wanted.includes(def.name));
  return ok({ results: defs.map(propertyJson) });
}

export const propertyRoutes: Route[] = [
  { method: 'GET', pattern: path('/groups'), kind: 'propertyGroups.getAll', handle: (ctx) => ok({ results: ctx.portal.properties.listGroups().map(groupJson) }) },
  { method: 'POST', pattern: path('/groups'), kind: 'propertyGroups.create', handle: async (ctx) => ok(groupJson(ctx.portal.properties.createGroup(await ctx.body())), 201) },
  { method: 'GET', pattern: path('/groups/([^/]+)'), kind: 'propertyGroups.get', handle: (ctx) => ok(groupJson(ctx.portal.properties.requireGroup(ctx.params[0] ?? ''))) },
  {
    method: 'PATCH',
    pattern: path('/groups/([^/]+)'),
    kind: 'propertyGroups.update',
    handle: async (ctx) => ok(groupJson(ctx.portal.properties.updateGroup(ctx.params[0] ?? '', await ctx.body()))),
  },
  {
    method: 'DELETE',
    pattern: path('/groups/([^/]+)'),
    kind: 'propertyGroups.archive',
    handle: (ctx) => {
      ctx.portal.properties.archiveGroup(ctx.params[0] ?? '');
      return NO_CONTENT;
    },
  },
  { method: 'GET', pattern: path(''), kind: 'properties.getAll', handle: getAll },
  { method: 'POST', pattern: path(''), kind: 'properties.create', handle: async (ctx) => ok(propertyJson(ctx.portal.properties.create(await ctx.body())), 201) },
  { method: 'GET', pattern: path('/([^/]+)'), kind: 'properties.get', handle: (ctx) => ok(propertyJson(ctx.portal.properties.require(ctx.params[0] ?? ''))) },
  {
    method: 'PATCH',
    pattern: path('/([^/]+)'),
    kind: 'properties.update',
    handle: async (ctx) => ok(propertyJson(ctx.portal.properties.update(ctx.params[0] ?? '', await ctx.body()))),
  },
  {
    method: 'DELETE',
    pattern: path('/([^/]+)'),
    kind: 'properties.archive',
    handle: (ctx) => {
      ctx.portal.properties.archive(ctx.params[0] ?? '');
      return NO_CONTENT;
    },
  },
];
