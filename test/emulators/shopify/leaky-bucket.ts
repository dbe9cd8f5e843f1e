// Per-shop leaky bucket of cost points: restored continuously by wall clock, never negative.

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  readonly maximumAvailable: number;
  readonly restoreRate: number;
  /** Lowest level seen right after a deduction; null until the first one. */
  lowestAfterDeduction: number | null = null;
  private available: number;
  private updatedAt: number;

  constructor(maximumAvailable: number, restoreRate: number, now: number = Date.now()) {
    this.maximumAvailable = maximumAvailable;
    this.restoreRate = restoreRate;
    this.available = maximumAvailable;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.available = Math.min(this.maximumAvailable, this.available + elapsed * this.restoreRate);
    this.updatedAt = now;
  }

  /** Deducts the points when they are available; false (and no change) otherwise. */
  tryTake(points: number, now: number = Date.now()): boolean {
    this.refill(now);
    if (points > this.available) return false;
    this.available -= points;
    this.lowestAfterDeduction = this.lowestAfterDeduction === null ? this.available : Math.min(this.lowestAfterDeduction, this.available);
    return true;
  }

  giveBack(points: number, now: number = Date.now()): void {
    this.refill(now);
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  /** Seconds until `points` are available (0 when they already are). */
  secondsUntil(points: number, now: number = Date.now()): number {
    this.refill(now);
    if (points <= this.available) return 0;
    return (points - this.available) / this.restoreRate;
  }

  status(now: number = Date.now()): ThrottleStatus {
    this.refill(now);
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }
}
