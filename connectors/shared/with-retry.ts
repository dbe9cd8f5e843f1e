// The one retry runner: calls `attempt` until it succeeds or the pure policy says stop.
import { decideRetry, type RetryPolicy } from '../../core/retry-policy.ts';

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string; error: unknown }) => void;
}

export async function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, deps: RetryDeps): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const decision = decideRetry(error, n, policy, deps.random);
      if (!decision.retry) throw error;
      deps.onRetry?.({ attempt: n, delayMs: decision.delayMs, reason: decision.reason, error });
      await deps.sleep(decision.delayMs);
    }
  }
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
