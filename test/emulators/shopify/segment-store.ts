// One shop's native customer segments: unique names, queries that must parse.
import { formatTimestamp, nowSeconds } from './columns.ts';
import { toGid } from './gid.ts';
import { SegmentQueryError, parseSegmentQuery } from './segments-ql.ts';
import type { SegmentExpr } from './segments-ql.ts';
import type { SegmentSnapshot } from './types.ts';

export interface SegmentRecord {
  readonly id: number;
  name: string;
  query: string;
  expr: SegmentExpr;
  creationDate: number;
  lastEditDate: number;
}

export interface UserError {
  field: string[] | null;
  message: string;
}

export type SegmentResult = { segment: SegmentRecord; userErrors: [] } | { segment: null; userErrors: UserError[] };

const MAX_NAME_LENGTH = 255;

export class SegmentStore {
  readonly byId = new Map<number, SegmentRecord>();
  private readonly nextId: () => number;
  private lastStamp = 0;

  constructor(nextId: () => number) {
    this.nextId = nextId;
  }

  list(): SegmentRecord[] {
    return [...this.byId.values()];
  }

  /** Increasing stamps keep creation order stable within a second. */
  private stamp(): number {
    this.lastStamp = Math.max(nowSeconds(), this.lastStamp);
    return this.lastStamp;
  }

  private checkName(name: string, except: number | null): UserError | null {
    const trimmed = name.trim();
    if (trimmed === '') return { field: ['name'], message: "Name can't be blank" };
    if (trimmed.length > MAX_NAME_LENGTH) return { field: ['name'], message: `Name is too long (maximum is ${MAX_NAME_LENGTH} characters)` };
    for (const segment of this.byId.values()) {
      if (segment.id !== except && segment.name === trimmed) return { field: ['name'], message: 'Name has already been taken' };
    }
    return null;
  }

  private parse(query: string): SegmentExpr | UserError {
    try {
      return parseSegmentQuery(query);
    } catch (error) {
      if (error instanceof SegmentQueryError) return { field: ['query'], message: error.message };
      throw error;
    }
  }

  create(name: string, query: string): SegmentResult {
    const errors: UserError[] = [];
    const nameError = this.checkName(name, null);
    if (nameError) errors.push(nameError);
    const expr = this.parse(query);
    if ('message' in expr) errors.push(expr);
    if (errors.length > 0 || 'message' in expr) return { segment: null, userErrors: errors };
    const now = this.stamp();
    const segment: SegmentRecord = { id: this.nextId(), name: name.trim(), query, expr, creationDate: now, lastEditDate: now };
    this.byId.set(segment.id, segment);
    return { segment, userErrors: [] };
  }

  update(id: number | null, name: string | null | undefined, query: string | null | undefined): SegmentResult {
    const segment = id === null ? undefined : this.byId.get(id);
    if (!segment) return { segment: null, userErrors: [{ field: ['id'], message: 'Segment does not exist' }] };
    const errors: UserError[] = [];
    if (name != null) {
      const nameError = this.checkName(name, segment.id);
      if (nameError) errors.push(nameError);
    }
    let expr: SegmentExpr | UserError | null = null;
    if (query != null) {
      expr = this.parse(query);
      if ('message' in expr) errors.push(expr);
    }
    if (errors.length > 0) return { segment: null, userErrors: errors };
    if (name != null) segment.name = name.trim();
    if (query != null && expr && !('message' in expr)) {
      segment.query = query;
      segment.expr = expr;
    }
    segment.lastEditDate = this.stamp();
    return { segment, userErrors: [] };
  }

  delete(id: number | null): { deletedSegmentId: string | null; userErrors: UserError[] } {
    if (id === null || !this.byId.has(id)) return { deletedSegmentId: null, userErrors: [{ field: ['id'], message: 'Segment does not exist' }] };
    this.byId.delete(id);
    return { deletedSegmentId: toGid('Segment', id), userErrors: [] };
  }
}

export function segmentSnapshot(segment: SegmentRecord): SegmentSnapshot {
  return {
    id: toGid('Segment', segment.id),
    name: segment.name,
    query: segment.query,
    creationDate: formatTimestamp(segment.creationDate) ?? '',
    lastEditDate: formatTimestamp(segment.lastEditDate) ?? '',
  };
}
