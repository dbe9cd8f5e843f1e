// List memberships v3: add, remove, add-and-remove (MANUAL and SNAPSHOT lists only; unknown
// record ids come back in recordIdsMissing), remove all, and paging through members by record id
// or by join order. Response field names follow the SDK's MembershipsUpdateResponse.
import { validationError } from './errors.ts';
import { assertWritableMembership } from './list-store.ts';
import type { ListRecord } from './list-store.ts';
import type { PortalState } from './portal-state.ts';
import { toIso } from './property-values.ts';
import { NO_CONTENT, intParam, isRecord, ok } from './route-types.ts';
import type { Route, RouteContext } from './route-types.ts';

const MAX_MEMBERSHIP_PAGE = 250;
const MAX_RECORD_IDS = 100_000;

function recordIds(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw validationError(`Invalid input JSON: ${field} must be an array of record ids`);
  if (value.length > MAX_RECORD_IDS) throw validationError(`At most ${MAX_RECORD_IDS} record ids may be sent per request; got ${value.length}.`);
  return value.map((v) => String(v).trim());
}

interface Outcome {
  added: string[];
  removed: string[];
  missing: string[];
}

function apply(portal: PortalState, list: ListRecord, toAdd: string[], toRemove: string[]): Outcome {
  assertWritableMembership(list);
  const outcome: Outcome = { added: [], removed: [], missing: [] };
  const now = Date.now();
  for (const id of new Set(toRemove)) {
    const record = portal.contacts.get(id);
    if (!record) outcome.missing.push(id);
    else if (portal.lists.removeMember(list, record.id)) outcome.removed.push(String(record.id));
  }
  for (const id of new Set(toAdd)) {
    const record = portal.contacts.get(id);
    if (!record) outcome.missing.push(id);
    else if (portal.lists.addMember(list, record.id, now)) outcome.added.push(String(record.id));
  }
  if (outcome.added.length > 0 || outcome.removed.length > 0) list.updatedAt = now;
  return outcome;
}

function answer(outcome: Outcome) {
  return ok({ recordIdsRemoved: outcome.removed, recordsIdsAdded: outcome.added, recordIdsMissing: [...new Set(outcome.missing)] });
}

type Member = [recordId: number, joinedAt: number];

/** Members' sort keys: by record id, or by join time then record id. */
const keyOf = (member: Member, joinOrder: boolean): number[] => (joinOrder ? [member[1], member[0]] : [member[0]]);

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const encodeCursor = (key: number[]): string => Buffer.from(`m:${key.join(':')}`).toString('base64url');

function decodeCursor(cursor: string, joinOrder: boolean): number[] {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const key = parts.slice(1).map(Number);
  if (parts[0] !== 'm' || key.length !== (joinOrder ? 2 : 1) || key.some((n) => !Number.isFinite(n))) throw validationError(`Invalid paging cursor ${cursor}`);
  return key;
}

function page(ctx: RouteContext, joinOrder: boolean) {
  const list = ctx.portal.lists.require(ctx.params[0] ?? '');
  const limit = intParam(ctx.url, 'limit', 100, MAX_MEMBERSHIP_PAGE);
  const byId: Member[] = ctx.portal.membersOf(list);
  const members = joinOrder ? [...byId].sort((a, b) => compareKeys(keyOf(a, true), keyOf(b, true))) : byId;
  const after = ctx.url.searchParams.get('after');
  const before = ctx.url.searchParams.get('before');
  const firstIndexAbove = (key: number[], inclusive: boolean): number => {
    let low = 0;
    let high = members.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const order = compareKeys(keyOf(members[mid] ?? [0, 0], joinOrder), key);
      if (order > 0 || (inclusive && order === 0)) high = mid;
      else low = mid + 1;
    }
    return low;
  };
  let start = after ? firstIndexAbove(decodeCursor(after, joinOrder), false) : 0;
  let end = Math.min(members.length, start + limit);
  if (before) {
    end = firstIndexAbove(decodeCursor(before, joinOrder), true);
    start = Math.max(0, end - limit);
  }
  const slice = members.slice(start, end);
  const body: Record<string, unknown> = {
    results: slice.map(([recordId, joined]) => ({ recordId: String(recordId), membershipTimestamp: toIso(joined) })),
    total: members.length,
  };
  const paging: Record<string, unknown> = {};
  const last = slice[slice.length - 1];
  const first = slice[0];
  if (last && end < members.length) paging.next = { after: encodeCursor(keyOf(last, joinOrder)) };
  if (first && start > 0) paging.prev = { before: encodeCursor(keyOf(first, joinOrder)) };
  if (Object.keys(paging).length > 0) body.paging = paging;
  return ok(body);
}

export const membershipRoutes: Route[] = [
  {
    method: 'PUT',
    pattern: /^\/crm\/v3\/lists\/([^/]+)\/memberships\/add$/,
    kind: 'lists.membershipsAdd',
    handle: async (ctx) => {
      const list = ctx.portal.lists.require(ctx.params[0] ?? '');
      return answer(apply(ctx.portal, list, recordIds(await ctx.body(), 'body'), []));
    },
  },
  {
    method: 'PUT',
    pattern: /^\/crm\/v3\/lists\/([^/]+)\/memberships\/remove$/,
    kind: 'lists.membershipsRemove',
    handle: async (ctx) => {
      const list = ctx.portal.lists.require(ctx.params[0] ?? '');
      return answer(apply(ctx.portal, list, [], recordIds(await ctx.body(), 'body')));
    },
  },
  {
    method: 'PUT',
    pattern: /^\/crm\/v3\/lists\/([^/]+)\/memberships\/add-and-remove$/,
    kind: 'lists.membershipsAddAndRemove',
    handle: async (ctx) => {
      const list = ctx.portal.lists.require(ctx.params[0] ?? '');
      const body = await ctx.body();
      if (!isRecord(body)) throw validationError('Invalid input JSON: expected {recordIdsToAdd, recordIdsToRemove}');
      return answer(apply(ctx.portal, list, recordIds(body.recordIdsToAdd ?? [], 'recordIdsToAdd'), recordIds(body.recordIdsToRemove ?? [], 'recordIdsToRemove')));
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/crm\/v3\/lists\/([^/]+)\/memberships$/,
    kind: 'lists.membershipsRemoveAll',
    handle: (ctx) => {
      const list = ctx.portal.lists.require(ctx.params[0] ?? '');
      assertWritableMembership(list);
      ctx.portal.lists.clearMembers(list);
      return NO_CONTENT;
    },
  },
  { method: 'GET', pattern: /^\/crm\/v3\/lists\/([^/]+)\/memberships$/, kind: 'lists.membershipsGet', handle: (ctx) => page(ctx, false) },
  { method: 'GET', pattern: /^\/crm\/v3\/lists\/([^/]+)\/memberships\/join-order$/, kind: 'lists.membershipsGetJoinOrder', handle: (ctx) => page(ctx, true) },
];
