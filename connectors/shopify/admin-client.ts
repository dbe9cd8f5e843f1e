// One shop's Admin GraphQL client: the official SDK, unmodified, plus what the SDK leaves to us:
// waiting for cost points before each call, retrying THROTTLED / 5xx / network failures with the
// project's retry policy, and counting what was spent. The cost budget is this process's own, or
// the shop's bucket shared by every worker through Redis when `deps.budgets` is given.
import '@shopify/shopify-api/adapters/node';
import { LogSeverity, Session, shopifyApi, type GraphqlClient } from '@shopify/shopify-api';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../core/retry-policy.ts';
import { RefineryError } from '../../core/errors.ts';
import { withRetry } from '../shared/with-retry.ts';
import type { CostLimiter, SharedBudgets } from '../shared/limiters.ts';
import { CostBudget } from './cost-budget.ts';
import { costOf, mapShopifyError } from './admin-errors.ts';
import { SHOPIFY_API_VERSION } from './platform.ts';
import { installAdminTransport, routeShopToOrigin } from './transport.ts';
import type { ApiVersion } from '@shopify/shopify-api';

export interface AdminClientConfig {
  shop: string;
  accessToken: string;
  /** Emulator origin; null or absent for a real store. */
  adminOrigin?: string | null;
  retryPolicy?: RetryPolicy;
  /** App credentials; only OAuth needs them, offline-token calls do not. */
  apiKey?: string;
  apiSecretKey?: string;
}

export interface ClientDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  log?: (line: string) => void;
  /** Budgets shared by every worker (connectors/shared/redis-budgets.ts); absent: this process's own. */
  budgets?: SharedBudgets;
}

export interface AdminCallStats {
  queries: number;
  mutations: number;
  throttledResponses: number;
  retries: number;
  costPointsSpent: number;
  waitedMs: number;
}

export interface AdminClient {
  readonly shop: string;
  /** Runs a document; `key` names it for cost memory and messages. Returns `data`. */
  request<T>(key: string, document: string, variables?: Record<string, unknown>, options?: { costGuess?: number }): Promise<T>;
  stats(): AdminCallStats;
  readonly deps: ClientDeps;
  readonly retryPolicy: RetryPolicy;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export function assertShopDomain(shop: string): string {
  const normalized = shop.trim().toLowerCase();
  if (!SHOP_DOMAIN.test(normalized)) {
    throw new RefineryError('INPUT', `"${shop}" is not a shop domain (expected something like my-store.myshopify.com)`);
  }
  return normalized;
}

/** The shop's budget shared by every worker when there are shared budgets, else this client's own. */
function costLimiterFor(shop: string, deps: ClientDeps): CostLimiter {
  return deps.budgets?.shopifyCost(shop) ?? new CostBudget(deps.now, deps.sleep);
}

export function createAdminClient(config: AdminClientConfig, deps: ClientDeps): AdminClient {
  const shop = assertShopDomain(config.shop);
  if (!config.accessToken) throw new RefineryError('AUTH', `no Admin API access token for ${shop}`);
  installAdminTransport();
  if (config.adminOrigin) routeShopToOrigin(shop, config.adminOrigin);
  const api = shopifyApi({
    apiKey: config.apiKey ?? 'segment-refinery',
    apiSecretKey: config.apiSecretKey ?? 'unused-for-offline-token-calls',
    apiVersion: SHOPIFY_API_VERSION as ApiVersion,
    hostName: 'localhost',
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error, log: async (_severity, message) => deps.log?.(`shopify-api: ${message}`) },
  });
  const session = new Session({ id: `offline_${shop}`, shop, state: '', isOnline: false, accessToken: config.accessToken });
  const client: GraphqlClient = new api.clients.Graphql({ session });
  const budget = costLimiterFor(shop, deps);
  const policy = config.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const stats: AdminCallStats = { queries: 0, mutations: 0, throttledResponses: 0, retries: 0, costPointsSpent: 0, waitedMs: 0 };

  async function request<T>(key: string, document: string, variables?: Record<string, unknown>, options?: { costGuess?: number }): Promise<T> {
    const isMutation = /^\s*mutation\b/.test(document);
    return withRetry(
      async () => {
        const expected = budget.expectedCost(key, options?.costGuess ?? (isMutation ? 10 : 50));
        const reservation = await budget.reserve(expected);
        stats.waitedMs += reservation.waitedMs;
        if (isMutation) stats.mutations++;
        else stats.queries++;
        let cost: ReturnType<typeof costOf> = undefined;
        try {
          const response = await client.request<T>(document, { variables, retries: 0 });
          cost = costOf(response);
          stats.costPointsSpent += cost?.actualQueryCost ?? cost?.requestedQueryCost ?? 0;
          if (response.data === undefined) throw new RefineryError('GRAPHQL', `Shopify returned no data for ${key}`);
          return response.data as T;
        } catch (error) {
          const mapped = mapShopifyError(error, key);
          if (mapped.code === 'THROTTLED') {
            stats.throttledResponses++;
            cost = mapped.details?.cost as ReturnType<typeof costOf>;
          }
          throw mapped;
        } finally {
          // Every reservation is settled, whatever the outcome (a shared bucket counts it in flight till then).
          await budget.observe(key, cost?.requestedQueryCost, cost?.throttleStatus, reservation);
        }
      },
      policy,
      {
        sleep: deps.sleep,
        random: deps.random,
        onRetry: ({ delayMs, reason }) => {
          stats.retries++;
          stats.waitedMs += delayMs;
          deps.log?.(`retrying ${key} in ${delayMs} ms: ${reason}`);
        },
      },
    );
  }

  return { shop, request, stats: () => ({ ...stats }), deps, retryPolicy: policy };
}
