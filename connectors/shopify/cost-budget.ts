// Shopify's calculated query cost, tracked client-side. Every response carries
// extensions.cost.throttleStatus; from the last one seen and the time since, we know how many
// points the bucket holds now and how long to wait before a query of a given cost fits. This is
// one process's view; several workers on one shop share connectors/shared/shared-cost-bucket.ts.
import type { CostLimiter, CostReservation, ThrottleStatus } from '../shared/limiters.ts';

export type { ThrottleStatus };

/** Milliseconds to wait until `points` are available, given a status observed at `observedAt`. */
export function waitForPoints(status: ThrottleStatus, observedAt: number, now: number, points: number): number {
  const need = Math.min(points, status.maximumAvailable);
  const elapsed = Math.max(0, now - observedAt) / 1000;
  const available = Math.min(status.maximumAvailable, status.currentlyAvailable + elapsed * status.restoreRate);
  if (available >= need) return 0;
  if (status.restoreRate <= 0) return 1000;
  return Math.ceil(((need - available) / status.restoreRate) * 1000);
}

/** Tracks one shop's bucket in this process and remembers what each document costs. */
export class CostBudget implements CostLimiter {
  private status: ThrottleStatus | null = null;
  private observedAt = 0;
  private readonly lastCost = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  /** `sleep` is only needed by `reserve`. */
  constructor(now: () => number, sleep?: (ms: number) => Promise<void>) {
    this.now = now;
    this.sleep = sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Points the document is expected to request: its last requested cost, else the given guess. */
  expectedCost(documentKey: string, guess: number): number {
    return this.lastCost.get(documentKey) ?? guess;
  }

  delayFor(points: number): number {
    if (!this.status) return 0;
    return waitForPoints(this.status, this.observedAt, this.now(), points);
  }

  /** Waits as long as the last status seen says `points` need; takes nothing (the bucket is Shopify's). */
  async reserve(points: number): Promise<CostReservation> {
    const delay = this.delayFor(points);
    if (delay > 0) await this.sleep(delay);
    return { waitedMs: delay, id: null };
  }

  observe(documentKey: string, requested: number | undefined, status: ThrottleStatus | undefined): void {
    if (requested !== undefined && Number.isFinite(requested)) this.lastCost.set(documentKey, requested);
    if (status) {
      this.status = status;
      this.observedAt = this.now();
    }
  }

  snapshot(): ThrottleStatus | null {
    return this.status ? { ...this.status } : null;
  }
}
