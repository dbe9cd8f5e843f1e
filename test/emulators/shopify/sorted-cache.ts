// Cached sort orders over a store, kept current cheaply: a store logs which positions changed
// (added or updated) and a cached order is patched by a merge when only a few did, instead of
// sorting a million rows again after each update.
import { sortedPositions } from './connection.ts';

const MAX_LOGGED_CHANGES = 100_000;
const MAX_MERGED_CHANGES = 20_000;

export class ChangeLog {
  /** Bumped when the log overflows; caches from another epoch are rebuilt from scratch. */
  epoch = 0;
  entries: number[] = [];

  record(position: number): void {
    if (this.entries.length >= MAX_LOGGED_CHANGES) {
      this.entries = [];
      this.epoch++;
      return;
    }
    this.entries.push(position);
  }
}

interface CachedOrder {
  epoch: number;
  logLength: number;
  order: Uint32Array;
}

type Accessor = (position: number) => number;

function mergeChanges(previous: Uint32Array, changes: number[], count: number, key: Accessor, id: Accessor): Uint32Array {
  const changed = new Uint8Array(count);
  for (const position of changes) if (position < count) changed[position] = 1;
  const compare = (a: number, b: number): number => key(a) - key(b) || id(a) - id(b);
  const moved: number[] = [];
  for (let position = 0; position < count; position++) if (changed[position] === 1) moved.push(position);
  moved.sort(compare);
  const out = new Uint32Array(count);
  let o = 0;
  let m = 0;
  for (const item of previous) {
    if (changed[item] === 1) continue;
    while (m < moved.length && compare(moved[m] ?? 0, item) < 0) out[o++] = moved[m++] ?? 0;
    out[o++] = item;
  }
  while (m < moved.length) out[o++] = moved[m++] ?? 0;
  return out;
}

export class SortedOrderCache {
  private readonly cache = new Map<string, CachedOrder>();

  get(name: string, log: ChangeLog, count: number, key: Accessor, id: Accessor): Uint32Array {
    const hit = this.cache.get(name);
    const logLength = log.entries.length;
    if (hit && hit.epoch === log.epoch && hit.logLength === logLength && hit.order.length === count) return hit.order;
    let order: Uint32Array;
    if (hit && hit.epoch === log.epoch && logLength - hit.logLength <= MAX_MERGED_CHANGES) {
      order = mergeChanges(hit.order, log.entries.slice(hit.logLength), count, key, id);
    } else {
      order = sortedPositions(count, key, id);
    }
    this.cache.set(name, { epoch: log.epoch, logLength, order });
    return order;
  }
}
