// The client-side cap: at most `limit` events in any rolling `windowMs`, per browser. A sliding
// log of accepted timestamps (at most `limit` numbers), so it can be saved to the browser's storage
// and merged back on the next page: a reload does not reset the cap.

export interface RateLimiter {
  /** Takes one slot now; false when the window is full (the event is to be dropped). */
  tryTake(): boolean;
  /** The accepted timestamps still inside the window, oldest first. */
  snapshot(): number[];
  /** Adds timestamps saved by earlier pages (malformed input is ignored). */
  merge(saved: unknown): void;
}

export function createRateLimiter(options: { limit: number; windowMs: number; now: () => number }): RateLimiter {
  const { limit, windowMs, now } = options;
  let stamps: number[] = [];
  const prune = (at: number) => {
    const from = at - windowMs;
    let i = 0;
    while (i < stamps.length && (stamps[i] as number) <= from) i++;
    if (i > 0) stamps = stamps.slice(i);
  };
  return {
    tryTake() {
      const at = now();
      prune(at);
      if (stamps.length >= limit) return false;
      stamps.push(at);
      return true;
    },
    snapshot() {
      prune(now());
      return [...stamps];
    },
    merge(saved) {
      if (!Array.isArray(saved)) return;
      const at = now();
      const valid = saved.filter((t): t is number => typeof t === 'number' && Number.isFinite(t) && t <= at).slice(-limit);
      stamps = [...stamps, ...valid].sort((a, b) => a - b);
      prune(at);
      if (stamps.length > limit) stamps = stamps.slice(-limit);
    },
  };
}
