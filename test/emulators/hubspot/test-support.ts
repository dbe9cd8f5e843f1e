// Helpers for the emulator's own tests: the real SDK pointed at the emulator (no SDK retries, no
// SDK limiter), sample contacts, and a way to look at what an SDK call threw.
import { Client } from '@hubspot/api-client';
import type { HubSpotEmulator, PortalOptions, SeedContact } from './index.ts';

export const PORTAL = 1001;
export const TOKEN = 'pat-na1-alpha';
export const OTHER_PORTAL = 2002;
export const OTHER_TOKEN = 'pat-na1-beta';
/** Generous limits for tests that aren't about rate limiting. */
export const UNLIMITED: Omit<PortalOptions, 'accessToken'> = { requestsPerTenSeconds: 100_000, searchRequestsPerSecond: 100_000 };

export function sdk(emulator: HubSpotEmulator, accessToken = TOKEN): Client {
  return new Client({ accessToken, basePath: emulator.origin, numberOfApiCallRetries: 0 });
}

const DAY = 86_400_000;
export const START = Date.UTC(2024, 0, 1);

export function sampleContacts(count: number, start = START): SeedContact[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    email: `contact${i + 1}@example.com`,
    firstname: `First${i + 1}`,
    lastname: `Last${i + 1}`,
    lifecyclestage: i % 2 === 0 ? 'customer' : 'lead',
    createdate: new Date(start + i * DAY).toISOString(),
    lastmodifieddate: new Date(start + i * DAY + 3_600_000).toISOString(),
    hs_email_open: String(i),
    hs_email_click: String(i % 3),
    hs_email_delivered: String(i + 5),
    hs_email_bounce: '0',
    hs_email_optout: i === 0 ? 'true' : 'false',
    hs_analytics_num_page_views: String(10 * i),
    hs_analytics_num_visits: String(i),
    hs_analytics_last_visit_timestamp: new Date(start + i * DAY + 7_200_000).toISOString(),
  }));
}

export interface ApiFailure {
  code: number;
  body: { status?: string; message?: string; category?: string; subCategory?: string; errorType?: string; policyName?: string; groupName?: string; correlationId?: string; context?: Record<string, string[]> };
  headers: Record<string, string>;
}

/** What an SDK call threw (an ApiException: code, body, headers); fails when it didn't throw one. */
export async function failure(call: Promise<unknown>): Promise<ApiFailure> {
  try {
    await call;
  } catch (error) {
    const e = error as Partial<ApiFailure>;
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, body: (e.body ?? {}) as ApiFailure['body'], headers: e.headers ?? {} };
  }
  throw new Error('expected the call to fail');
}
