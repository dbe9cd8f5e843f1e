// One HubSpot portal's client: the official SDK, unmodified, with its own retry and limiter left
// off (they are process-wide in the SDK), and ours around every call: a rolling-window limiter
// shared by all callers for the portal, a search limiter, and the project's retry policy. The
// limiters are this process's own, or shared by every worker through Redis when `deps.budgets` is given.
import { Client } from '@hubspot/api-client';
import { RefineryError } from '../../core/errors.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../core/retry-policy.ts';
import { withRetry } from '../shared/with-retry.ts';
import type { PortalLimiters, SharedBudgets } from '../shared/limiters.ts';
import { mapHubSpotError } from './hubspot-errors.ts';
import { HUBSPOT_LIMITS } from './platform.ts';
import { RollingWindowLimiter, type Clock } from './rate-limiter.ts';

export interface HubSpotClientConfig {
  accessToken: string;
  /** API base URL without a trailing slash; null or absent for HubSpot itself. */
  basePath?: string | null;
  requestsPerTenSeconds?: number;
  /** Search requests per second (HubSpot allows 5; we use one less). */
  searchRequestsPerSecond?: number;
  retryPolicy?: RetryPolicy;
}

export interface HubSpotDeps extends Clock {
  random: () => number;
  log?: (line: string) => void;
  /** Budgets shared by every worker (connectors/shared/redis-budgets.ts); absent: this process's own. */
  budgets?: SharedBudgets;
}

export interface HubSpotCallStats {
  requests: number;
  searchRequests: number;
  rateLimited: number;
  retries: number;
}

export interface HubSpotClient {
  readonly sdk: Client;
  /** Runs one SDK call under the limiters and the retry policy. */
  call<T>(operation: string, fn: (sdk: Client) => Promise<T>, options?: { search?: boolean }): Promise<T>;
  stats(): HubSpotCallStats;
  readonly deps: HubSpotDeps;
  /** The rates this client keeps to: requests per ten-second window, searches per second. */
  readonly rates: { requestsPerTenSeconds: number; searchRequestsPerSecond: number };
}

const limiters = new Map<string, { window: RollingWindowLimiter; search: RollingWindowLimiter }>();

/** The limiters of one portal (keyed by token and base path), shared by every client in the process. */
function limitersFor(key: string, perTenSeconds: number, searchPerSecond: number, clock: Clock) {
  let found = limiters.get(key);
  if (!found || found.window.limit !== perTenSeconds || found.search.limit !== searchPerSecond) {
    found = {
      window: new RollingWindowLimiter(perTenSeconds, HUBSPOT_LIMITS.windowMs + HUBSPOT_LIMITS.windowMarginMs, clock),
      search: new RollingWindowLimiter(searchPerSecond, 1000, clock),
    };
    limiters.set(key, found);
  }
  return found;
}

/** The portal's limiters: shared by every worker when there are shared budgets, else by this process's clients. */
function portalLimiters(portal: { accessToken: string; basePath: string | undefined }, perTenSeconds: number, searchPerSecond: number, deps: HubSpotDeps): PortalLimiters {
  if (!deps.budgets) return limitersFor(`${portal.basePath ?? 'hubspot'}|${portal.accessToken}`, perTenSeconds, searchPerSecond, deps);
  const windowMs = HUBSPOT_LIMITS.windowMs + HUBSPOT_LIMITS.windowMarginMs;
  return deps.budgets.hubspotPortal(portal, { requestsPerWindow: perTenSeconds, windowMs, searchRequestsPerSecond: searchPerSecond });
}

export function createHubSpotClient(config: HubSpotClientConfig, deps: HubSpotDeps): HubSpotClient {
  if (!config.accessToken) throw new RefineryError('AUTH', 'no HubSpot access token configured');
  const basePath = config.basePath?.replace(/\/+$/, '') || undefined;
  const perTenSeconds = config.requestsPerTenSeconds ?? HUBSPOT_LIMITS.defaultRequestsPerTenSeconds;
  // No limiterOptions and no retries: the SDK adds no decorators, so nothing it does is process-wide.
  const sdk = new Client({ accessToken: config.accessToken, ...(basePath ? { basePath } : {}), numberOfApiCallRetries: 0 });
  // One below the documented 5 searches per second, for clock skew between us and HubSpot.
  const searchPerSecond = config.searchRequestsPerSecond ?? HUBSPOT_LIMITS.searchRequestsPerSecond - 1;
  const { window, search } = portalLimiters({ accessToken: config.accessToken, basePath }, perTenSeconds, searchPerSecond, deps);
  const policy = config.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const stats: HubSpotCallStats = { requests: 0, searchRequests: 0, rateLimited: 0, retries: 0 };

  async function call<T>(operation: string, fn: (sdk: Client) => Promise<T>, options: { search?: boolean } = {}): Promise<T> {
    return withRetry(
      async () => {
        if (options.search) await search.acquire();
        await window.acquire();
        stats.requests++;
        if (options.search) stats.searchRequests++;
        try {
          return await fn(sdk);
        } catch (error) {
          const mapped = mapHubSpotError(error, operation);
          if (mapped.code === 'THROTTLED') {
            stats.rateLimited++;
            if (mapped.details?.permanent) throw new RefineryError('QUOTA_EXHAUSTED', mapped.message);
            if (mapped.retryAfterMs !== undefined) await window.pause(Math.min(mapped.retryAfterMs, policy.maxDelayMs));
          }
          throw mapped;
        }
      },
      policy,
      {
        sleep: deps.sleep,
        random: deps.random,
        onRetry: ({ delayMs, reason }) => {
          stats.retries++;
          deps.log?.(`retrying HubSpot ${operation} in ${delayMs} ms: ${reason}`);
        },
      },
    );
  }

  return { sdk, call, stats: () => ({ ...stats }), deps, rates: { requestsPerTenSeconds: perTenSeconds, searchRequestsPerSecond: searchPerSecond } };
}
