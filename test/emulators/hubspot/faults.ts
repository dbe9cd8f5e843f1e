// Per-portal queue of injected faults, consumed in order by the requests they match (path prefix
// and method, both optional), each for its number of times.
import type { Fault } from './types.ts';

interface Entry {
  fault: Fault;
  remaining: number;
}

export class FaultQueue {
  private entries: Entry[] = [];

  add(fault: Fault): void {
    if (fault.kind === 'delay' && !(fault.ms >= 0)) throw new Error('delay fault needs ms >= 0');
    this.entries.push({ fault, remaining: Math.max(1, fault.times ?? 1) });
  }

  clear(): void {
    this.entries = [];
  }

  take(method: string, path: string): Fault | undefined {
    const entry = this.entries.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.fault.pathPrefix === undefined || path.startsWith(candidate.fault.pathPrefix)) &&
        (candidate.fault.method === undefined || candidate.fault.method === method),
    );
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining === 0) this.entries = this.entries.filter((candidate) => candidate !== entry);
    return entry.fault;
  }
}
