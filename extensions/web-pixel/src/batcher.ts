// Buffers wire events and turns them into request bodies: flushes at `flushAtEvents` buffered
// events or `flushAfterMs` after the first one, de-duplicates event ids, applies the client-side
// rate cap (counting what it drops and reporting the count in the next body), and packs bodies
// within the per-body event and byte limits. Clock and timers are injected.
import { LIMITS, utf8Length, type WireBody, type WireEvent } from './wire.ts';

export type TimerHandle = unknown;

export interface Timers {
  now(): number;
  setTimer(callback: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface BodyHeader {
  shop: string;
  key: string;
}

export interface PendingEvent {
  clientId: string;
  event: WireEvent;
}

export interface PackLimits {
  maxEventsPerBody: number;
  maxBodyBytes: number;
}

export interface PackResult {
  /** JSON texts, each within the limits, in event order. */
  bodies: string[];
  /** Events that cannot fit in any body on their own (not expected with the field caps). */
  oversized: number;
}

/**
 * Packs events into bodies: one clientId per body, at most `maxEventsPerBody` events and
 * `maxBodyBytes` UTF-8 bytes each. `dropped` (when > 0, at most maxDroppedReported) goes into the first body.
 */
export function packBodies(header: BodyHeader, pending: readonly PendingEvent[], sentAt: string, dropped: number, limits: PackLimits = LIMITS): PackResult {
  const bodies: string[] = [];
  let oversized = 0;
  let droppedLeft = dropped;
  let body: WireBody | null = null;
  let bytes = 0;
  const close = () => {
    if (body && body.events.length > 0) {
      bodies.push(JSON.stringify(body));
      if (body.dropped !== undefined) droppedLeft = 0;
    }
    body = null;
  };
  const open = (clientId: string): WireBody => {
    const opened: WireBody = { v: 1, shop: header.shop, key: header.key, clientId, sentAt, ...(droppedLeft > 0 ? { dropped: Math.min(droppedLeft, LIMITS.maxDroppedReported) } : {}), events: [] };
    bytes = utf8Length(JSON.stringify(opened));
    return opened;
  };
  const fits = (target: WireBody, eventBytes: number) =>
    target.events.length < limits.maxEventsPerBody && bytes + eventBytes + (target.events.length > 0 ? 1 : 0) <= limits.maxBodyBytes;
  for (const { clientId, event } of pending) {
    const eventBytes = utf8Length(JSON.stringify(event));
    let target: WireBody | null = body;
    if (target && (target.clientId !== clientId || !fits(target, eventBytes))) {
      close();
      target = null;
    }
    if (!target) {
      target = open(clientId);
      body = target;
    }
    if (!fits(target, eventBytes)) {
      // Alone in an empty body and still too big: cannot be sent.
      oversized++;
      continue;
    }
    bytes += eventBytes + (target.events.length > 0 ? 1 : 0);
    target.events.push(event);
  }
  close();
  return { bodies, oversized };
}

export type AddResult = 'queued' | 'duplicate' | 'dropped';

export interface Batcher {
  /**
   * Buffers one event. `urgent` (an event that often precedes leaving the page) flushes at once,
   * unless the last flush was under `minUrgentGapMs` ago: a burst of urgent events is still batched.
   */
  add(pending: PendingEvent, options?: { urgent?: boolean }): AddResult;
  /** Sends everything buffered now; returns the number of bodies sent. */
  flush(): number;
  /** Forgets the buffer and the drop count and cancels the timer (consent withdrawn). */
  clear(): void;
  readonly buffered: number;
  /** Dropped events not yet reported to the endpoint. */
  readonly unreportedDrops: number;
}

export interface BatcherOptions extends Timers {
  header: BodyHeader;
  /** Hands one body (JSON text) to the transport; must not throw. */
  send(body: string): void;
  /** The client-side rate cap; every event that is not a duplicate takes a slot. */
  limiter: { tryTake(): boolean };
  flushAtEvents?: number;
  flushAfterMs?: number;
  maxEventsPerBody?: number;
  maxBodyBytes?: number;
  dedupeIds?: number;
  minUrgentGapMs?: number;
}

export function createBatcher(options: BatcherOptions): Batcher {
  const flushAt = options.flushAtEvents ?? LIMITS.flushAtEvents;
  const flushAfterMs = options.flushAfterMs ?? LIMITS.flushAfterMs;
  const limits: PackLimits = { maxEventsPerBody: options.maxEventsPerBody ?? LIMITS.maxEventsPerBody, maxBodyBytes: options.maxBodyBytes ?? LIMITS.maxBodyBytes };
  const dedupeIds = options.dedupeIds ?? LIMITS.dedupeIds;
  const minUrgentGapMs = options.minUrgentGapMs ?? LIMITS.minUrgentGapMs;
  let lastFlushAt = -Infinity;
  let buffer: PendingEvent[] = [];
  let dropped = 0;
  let timer: TimerHandle | null = null;
  // Ids seen, oldest first (a Set keeps insertion order): bounded memory.
  const seen = new Set<string>();

  const cancelTimer = () => {
    if (timer !== null) options.clearTimer(timer);
    timer = null;
  };

  const remember = (id: string) => {
    seen.add(id);
    if (seen.size > dedupeIds) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
  };

  const flush = (): number => {
    cancelTimer();
    if (buffer.length === 0) return 0;
    const pending = buffer;
    buffer = [];
    lastFlushAt = options.now();
    const { bodies, oversized } = packBodies(options.header, pending, new Date(options.now()).toISOString(), dropped, limits);
    dropped = bodies.length > 0 ? oversized : dropped + oversized;
    for (const body of bodies) options.send(body);
    return bodies.length;
  };

  return {
    add(pending, addOptions) {
      const id = pending.event.id;
      if (seen.has(id)) return 'duplicate';
      remember(id);
      if (!options.limiter.tryTake()) {
        dropped++;
        return 'dropped';
      }
      buffer.push(pending);
      const urgent = addOptions?.urgent === true && options.now() - lastFlushAt >= minUrgentGapMs;
      if (urgent || buffer.length >= flushAt) flush();
      else if (timer === null) timer = options.setTimer(flush, flushAfterMs);
      return 'queued';
    },
    flush,
    clear() {
      cancelTimer();
      buffer = [];
      dropped = 0;
    },
    get buffered() {
      return buffer.length;
    },
    get unreportedDrops() {
      return dropped;
    },
  };
}
