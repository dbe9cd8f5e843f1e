// Native segments: segment(id), segments connection, segmentsCount and the three mutations.
import { formatTimestamp } from './columns.ts';
import { API_PAGING, BULK_PAGING, paginate, sortedPositions, toConnection } from './connection.ts';
import { argString, pageArgs } from './context.ts';
import type { Args, RequestContext, TypeResolvers } from './context.ts';
import { toGid, numericId } from './gid.ts';
import { compileSearch, dateTerm, exactTerm, numberTerm } from './search-query.ts';
import type { SegmentRecord } from './segment-store.ts';

export function segmentView(segment: SegmentRecord): Record<string, unknown> {
  return {
    __typename: 'Segment',
    id: toGid('Segment', segment.id),
    name: segment.name,
    query: segment.query,
    creationDate: formatTimestamp(segment.creationDate),
    lastEditDate: formatTimestamp(segment.lastEditDate),
  };
}

function segmentId(args: Args): number | null {
  const id = argString(args, 'id');
  return id === null ? null : numericId(id, 'Segment');
}

function segmentsConnection(ctx: RequestContext, args: Args): unknown {
  const list = ctx.shop.segments.list();
  const sortKey = argString(args, 'sortKey') ?? 'CREATION_DATE';
  const key =
    sortKey === 'LAST_EDIT_DATE'
      ? (i: number) => list[i]?.lastEditDate ?? 0
      : sortKey === 'CREATION_DATE'
        ? (i: number) => list[i]?.creationDate ?? 0
        : (i: number) => list[i]?.id ?? 0;
  const id = (i: number): number => list[i]?.id ?? 0;
  const query = argString(args, 'query');
  const compiled = compileSearch<SegmentRecord>(query, {
    id: numberTerm((s) => s.id),
    name: exactTerm((s) => s.name),
    created_at: dateTerm((s) => s.creationDate),
    updated_at: dateTerm((s) => s.lastEditDate),
  });
  if (compiled.warnings.length > 0 && query !== null) ctx.searchReports.push({ path: ['segments'], query, warnings: compiled.warnings });
  const predicate = compiled.predicate;
  const source = {
    order: sortedPositions(list.length, key, id),
    key,
    id,
    filter: predicate ? (i: number) => predicate(list[i] as SegmentRecord) : () => true,
  };
  const page = paginate(source, pageArgs(args), ctx.bulk ? BULK_PAGING : API_PAGING);
  return toConnection(source, page, (i) => segmentView(list[i] as SegmentRecord));
}

function payload(result: { segment: SegmentRecord | null; userErrors: unknown[] }): Record<string, unknown> {
  return { segment: result.segment ? segmentView(result.segment) : null, userErrors: result.userErrors };
}

export const segmentQueryResolvers: TypeResolvers = {
  segment: (_s, args, ctx) => {
    const id = segmentId(args);
    const segment = id === null ? undefined : ctx.shop.segments.byId.get(id);
    return segment ? segmentView(segment) : null;
  },
  segments: (_s, args, ctx) => segmentsConnection(ctx, args),
  segmentsCount: (_s, args, ctx) => {
    const count = ctx.shop.segments.byId.size;
    const limit = typeof args['limit'] === 'number' ? args['limit'] : null;
    return limit !== null && count > limit ? { count: limit, precision: 'AT_LEAST' } : { count, precision: 'EXACT' };
  },
};

export const segmentMutationResolvers: TypeResolvers = {
  segmentCreate: (_s, args, ctx) => payload(ctx.shop.segments.create(argString(args, 'name') ?? '', argString(args, 'query') ?? '')),
  segmentUpdate: (_s, args, ctx) => payload(ctx.shop.segments.update(segmentId(args), argString(args, 'name'), argString(args, 'query'))),
  segmentDelete: (_s, args, ctx) => ctx.shop.segments.delete(segmentId(args)),
};
