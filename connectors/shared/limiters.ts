// The two kinds of platform rate budget the clients wait on, as interfaces, so a client takes
// either the in-process implementation (one worker alone: connectors/hubspot/rate-limiter.ts,
// connectors/shopify/cost-budget.ts) or the Redis one shared by every worker
// (connectors/shared/shared-window.ts, connectors/shared/shared-cost-bucket.ts).

/** At most so many requests in a window (HubSpot's ten-second and search limits). */
export interface RequestLimiter {
  /** Waits until a request may be sent, then counts it. */
  acquire(): Promise<void>;
  /** After a 429: send nothing more until `ms` from now. Never rejects. */
  pause(ms: number): void | Promise<void>;
}

/** Shopify's extensions.cost.throttleStatus: the shop's leaky bucket of query cost points. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** What `reserve` hands back, to be passed to `observe` when the response (or failure) is in. */
export interface CostReservation {
  /** Milliseconds waited for the points. */
  readonly waitedMs: number;
  /** Identifies the reservation in a shared bucket; null in-process. */
  readonly id: string | null;
}

/** A shop's cost budget (Shopify's leaky bucket of query cost points). */
export interface CostLimiter {
  /** Points the document is expected to request: its last requested cost, else the guess. */
  expectedCost(documentKey: string, guess: number): number;
  /** Waits until `points` fit the bucket (and, where the bucket is shared, takes them). */
  reserve(points: number): Promise<CostReservation>;
  /**
   * Records what a request's answer said: the document's requested cost and the bucket's status
   * (both absent when the request failed without an answer). Call it once per reservation, whatever
   * the outcome. Never rejects: a request that went through must not fail for its bookkeeping.
   */
  observe(documentKey: string, requested: number | undefined, status: ThrottleStatus | undefined, reservation?: CostReservation): void | Promise<void>;
}

/** Limits of one HubSpot portal, as the client configures them. */
export interface PortalLimits {
  /** Requests per `windowMs` (HubSpot's ten-second rolling window, plus our margin). */
  requestsPerWindow: number;
  windowMs: number;
  searchRequestsPerSecond: number;
}

export interface PortalLimiters {
  window: RequestLimiter;
  search: RequestLimiter;
}

/** Rate budgets shared by every worker process (see connectors/shared/redis-budgets.ts). */
export interface SharedBudgets {
  /** The cost bucket of one shop. */
  shopifyCost(shop: string): CostLimiter;
  /** The request windows of one portal, identified by its token and API base path (hashed, never stored). */
  hubspotPortal(portal: { accessToken: string; basePath?: string | null }, limits: PortalLimits): PortalLimiters;
}
