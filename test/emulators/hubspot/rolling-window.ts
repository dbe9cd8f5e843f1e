// A rolling-window counter of accepted requests: admits at most `limit` per `windowMs`, and keeps
// the most ever accepted within one window (checked at each acceptance, where any maximum lies).

export class RollingWindow {
  readonly limit: number;
  readonly windowMs: number;
  peak = 0;
  private times: number[] = [];
  private head = 0;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  private prune(now: number): void {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  /** Requests accepted within the window ending now. */
  count(now: number = Date.now()): number {
    this.prune(now);
    return this.times.length - this.head;
  }

  hasRoom(now: number = Date.now()): boolean {
    return this.count(now) < this.limit;
  }

  accept(now: number = Date.now()): void {
    this.prune(now);
    this.times.push(now);
    this.peak = Math.max(this.peak, this.times.length - this.head);
  }

  remaining(now: number = Date.now()): number {
    return Math.max(0, this.limit - this.count(now));
  }
}
