// A HubSpot emulator portal and a client of the connector, for integration tests.
import { createHubSpotClient, type HubSpotClient } from '../../connectors/hubspot/hubspot-client.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import type { RetryPolicy } from '../../core/retry-policy.ts';
import type { HubSpotEmulator } from '../emulators/hubspot/index.ts';
import type { SeedContact } from '../emulators/hubspot/types.ts';

let counter = 0;

export interface PortalHarness {
  portalId: number;
  token: string;
  client(options?: { retryPolicy?: RetryPolicy; requestsPerTenSeconds?: number; searchRequestsPerSecond?: number }): HubSpotClient;
  logs: string[];
}

export const HUBSPOT_FAST_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 300 };

export async function addPortal(
  emulator: HubSpotEmulator,
  options: { contacts?: SeedContact[]; requestsPerTenSeconds?: number; searchRequestsPerSecond?: number } = {},
): Promise<PortalHarness> {
  const portalId = 7000 + process.pid * 10 + ++counter;
  const token = `pat-test-${portalId}`;
  emulator.addPortal(portalId, { accessToken: token, requestsPerTenSeconds: options.requestsPerTenSeconds ?? 1000, searchRequestsPerSecond: options.searchRequestsPerSecond ?? 100 });
  if (options.contacts) await emulator.seed(portalId, { contacts: options.contacts });
  const logs: string[] = [];
  return {
    portalId,
    token,
    logs,
    client: (o = {}) =>
      createHubSpotClient(
        {
          accessToken: token,
          basePath: emulator.origin,
          requestsPerTenSeconds: o.requestsPerTenSeconds ?? options.requestsPerTenSeconds ?? 1000,
          searchRequestsPerSecond: o.searchRequestsPerSecond ?? 50,
          retryPolicy: o.retryPolicy ?? HUBSPOT_FAST_RETRY,
        },
        { now: Date.now, sleep: realSleep, random: Math.random, log: (l) => logs.push(l) },
      ),
  };
}

/** Contacts with graded engagement; every `withoutEmailEvery`th has no email. */
export function makeContacts(count: number, options: { start?: number; emailOf?: (i: number) => string; modifiedAt?: (i: number) => string } = {}): SeedContact[] {
  const start = options.start ?? 1;
  return Array.from({ length: count }, (_, k) => {
    const i = start + k;
    return {
      email: options.emailOf?.(i) ?? `person${i}@example.com`,
      firstname: `Contact${i}`,
      lastname: 'Tester',
      lifecyclestage: i % 3 === 0 ? 'customer' : 'lead',
      createdate: '2025-01-01T00:00:00.000Z',
      lastmodifieddate: options.modifiedAt?.(i) ?? new Date(Date.parse('2025-02-01T00:00:00.000Z') + i * 1000).toISOString(),
      hs_email_delivered: String(10 + (i % 5)),
      hs_email_open: String(i % 7),
      hs_email_click: String(i % 3),
      hs_email_optout: i % 11 === 0 ? 'true' : 'false',
      hs_analytics_num_visits: String(i % 9),
      hs_analytics_num_page_views: String((i % 9) * 3),
    };
  });
}
