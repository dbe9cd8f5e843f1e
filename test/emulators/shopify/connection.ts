// Relay-style pagination over a list kept in ascending (sort value, id) order: opaque cursors,
// first/last/after/before, reverse, and a filter applied while scanning.
import { EmulatorError } from './errors.ts';

export const MAX_PAGE_SIZE = 250;

export interface PageRequest {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface SortedSource {
  /** Positions into the underlying store, ascending by (key, id). */
  order: ArrayLike<number>;
  key(item: number): number;
  id(item: number): number;
  filter(item: number): boolean;
}

export interface Page {
  items: number[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

interface Cursor {
  key: number;
  id: number;
}

export function encodeCursor(key: number, id: number): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: key })).toString('base64');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { last_id?: unknown; last_value?: unknown };
    if (typeof parsed.last_id === 'number' && typeof parsed.last_value === 'number') return { key: parsed.last_value, id: parsed.last_id };
  } catch {
    // fall through to the error below
  }
  throw new EmulatorError(`Invalid cursor: ${cursor}`, 'BAD_REQUEST');
}

/** First position whose (key, id) is >= (strict: >) the cursor. */
function bound(source: SortedSource, cursor: Cursor, strict: boolean): number {
  let lo = 0;
  let hi = source.order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = source.order[mid] ?? 0;
    const diff = source.key(item) - cursor.key || source.id(item) - cursor.id;
    if (diff < 0 || (strict && diff === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function anyMatch(source: SortedSource, from: number, to: number): boolean {
  for (let p = from; p < to; p++) if (source.filter(source.order[p] ?? 0)) return true;
  return false;
}

export interface PageMode {
  /** The normal API insists on first or last (at most 250); bulk operations read everything. */
  requireSize: boolean;
  /** Whether to look outside the window for hasPreviousPage/hasNextPage (bulk skips it). */
  lookAround: boolean;
}

export const API_PAGING: PageMode = { requireSize: true, lookAround: true };
export const BULK_PAGING: PageMode = { requireSize: false, lookAround: false };

/** Pages through the source. */
export function paginate(source: SortedSource, request: PageRequest, mode: PageMode): Page {
  const { requireSize } = mode;
  const { first, last } = request;
  if (requireSize && first == null && last == null) throw new EmulatorError('you must provide one of first or last', 'BAD_REQUEST');
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value == null) continue;
    if (value < 0) throw new EmulatorError(`${name} must be a non-negative integer`, 'BAD_REQUEST');
    if (requireSize && value > MAX_PAGE_SIZE) {
      throw new EmulatorError(`The ${name} argument must be less than or equal to ${MAX_PAGE_SIZE} (requested ${value})`, 'BAD_REQUEST');
    }
  }
  const reverse = request.reverse === true;
  const length = source.order.length;
  // Window [lo, hi) in ascending positions.
  let lo = 0;
  let hi = length;
  const after = request.after ? decodeCursor(request.after) : null;
  const before = request.before ? decodeCursor(request.before) : null;
  if (!reverse) {
    if (after) lo = bound(source, after, true);
    if (before) hi = Math.min(hi, bound(source, before, false));
  } else {
    if (after) hi = Math.min(hi, bound(source, after, false));
    if (before) lo = bound(source, before, true);
  }
  if (hi < lo) hi = lo;
  // Walk the window in effective order (descending when reversed).
  const at = (step: number): number => source.order[reverse ? hi - 1 - step : lo + step] ?? 0;
  const size = hi - lo;
  let items: number[] = [];
  let hasNextPage = false;
  let hasPreviousPage = false;
  if (last != null && first == null) {
    for (let step = size - 1; step >= 0; step--) {
      const item = at(step);
      if (!source.filter(item)) continue;
      if (items.length === last) {
        hasPreviousPage = true;
        break;
      }
      items.push(item);
    }
    items.reverse();
    if (mode.lookAround) hasNextPage = reverse ? anyMatch(source, 0, lo) : anyMatch(source, hi, length);
  } else {
    const limit = first ?? Number.POSITIVE_INFINITY;
    for (let step = 0; step < size; step++) {
      const item = at(step);
      if (!source.filter(item)) continue;
      if (items.length === limit) {
        hasNextPage = true;
        break;
      }
      items.push(item);
    }
    if (last != null && items.length > last) {
      items = items.slice(items.length - last);
      hasPreviousPage = true;
    } else if (mode.lookAround) {
      hasPreviousPage = reverse ? anyMatch(source, hi, length) : anyMatch(source, 0, lo);
    }
  }
  return { items, hasNextPage, hasPreviousPage };
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** A resolved connection; edges (and their cursors) are only built when selected. */
export class Connection<T> {
  readonly nodes: T[];
  readonly pageInfo: PageInfo;
  private readonly cursors: (index: number) => string;

  constructor(nodes: T[], cursors: (index: number) => string, hasNextPage: boolean, hasPreviousPage: boolean) {
    this.nodes = nodes;
    this.cursors = cursors;
    const lastIndex = nodes.length - 1;
    this.pageInfo = {
      hasNextPage,
      hasPreviousPage,
      startCursor: nodes.length > 0 ? cursors(0) : null,
      endCursor: lastIndex >= 0 ? cursors(lastIndex) : null,
    };
  }

  get edges(): Edge<T>[] {
    return this.nodes.map((node, index) => ({ cursor: this.cursors(index), node }));
  }
}

/** Builds a connection from a page over store positions. */
export function toConnection<T>(source: SortedSource, page: Page, toNode: (item: number) => T): Connection<T> {
  const items = page.items;
  return new Connection(
    items.map(toNode),
    (index) => {
      const item = items[index] ?? 0;
      return encodeCursor(source.key(item), source.id(item));
    },
    page.hasNextPage,
    page.hasPreviousPage,
  );
}

/** Positions 0..count-1 sorted ascending by (key, id); skips the sort when already ordered. */
export function sortedPositions(count: number, key: (item: number) => number, id: (item: number) => number): Uint32Array {
  const order = new Uint32Array(count);
  let sorted = true;
  for (let i = 0; i < count; i++) {
    order[i] = i;
    if (i > 0 && sorted) {
      const diff = key(i) - key(i - 1) || id(i) - id(i - 1);
      if (diff < 0) sorted = false;
    }
  }
  if (!sorted) order.sort((a, b) => key(a) - key(b) || id(a) - id(b));
  return order;
}
