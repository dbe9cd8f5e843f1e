// A rolling-window limiter: at most `limit` acquisitions in any `windowMs`. One instance per
// HubSpot portal is shared by every caller in this process, so concurrent pushes together stay
// under the portal's rate. The clock and sleep are parameters (deterministic tests). Several worker
// processes on one portal share connectors/shared/shared-window.ts instead.
import type { RequestLimiter } from '../shared/limiters.ts';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export class RollingWindowLimiter implements RequestLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly clock: Clock;
  /** Start times of the acquisitions in the current window, oldest first. */
  private readonly starts: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  private pausedUntil = 0;

  constructor(limit: number, windowMs: number, clock: Clock) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit must be a positive whole number, got ${limit}`);
    this.limit = limit;
    this.windowMs = windowMs;
    this.clock = clock;
  }

  /** Waits until a request may be sent, then counts it. Callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** After a 429: send nothing more until `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  /** Acquisitions counted in the window ending now. */
  inWindow(): number {
    this.evict(this.clock.now());
    return this.starts.length;
  }

  private evict(now: number): void {
    while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - this.windowMs) this.starts.shift();
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      this.evict(now);
      if (this.starts.length < this.limit) {
        this.starts.push(now);
        return;
      }
      const oldest = this.starts[0] ?? now;
      await this.clock.sleep(Math.max(1, oldest + this.windowMs - now));
    }
  }
}
