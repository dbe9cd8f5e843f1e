// Retry as a pure decision: given what failed and how many attempts were made, say whether to try
// again and after how long. The platform's own wait hint wins; otherwise exponential backoff with
// full jitter. The random source is a parameter so the decision is deterministic under test.
import { RefineryError } from './errors.ts';

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 30_000 };

export type RetryDecision = { retry: false; reason: string } | { retry: true; delayMs: number; reason: string };

export function decideRetry(error: unknown, attemptsMade: number, policy: RetryPolicy, random: () => number): RetryDecision {
  if (!(error instanceof RefineryError)) return { retry: false, reason: 'not a classified platform error' };
  if (!error.retriable) return { retry: false, reason: `${error.code} is permanent` };
  if (attemptsMade >= policy.maxAttempts) return { retry: false, reason: `gave up after ${attemptsMade} attempts` };
  if (error.retryAfterMs !== undefined && error.retryAfterMs >= 0) {
    // Honour the hint, with a little jitter so that many clients do not come back together.
    const hinted = Math.min(error.retryAfterMs, policy.maxDelayMs);
    return { retry: true, delayMs: Math.ceil(hinted + random() * Math.min(250, hinted * 0.1 + 50)), reason: `${error.code}, platform asked to wait` };
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptsMade - 1));
  return { retry: true, delayMs: Math.ceil(random() * ceiling), reason: `${error.code}, backing off` };
}
