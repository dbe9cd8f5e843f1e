// Account information: GET /account-info/v3/details, which apps call to learn the portal a token
// belongs to.
import type { Route } from './route-types.ts';
import { ok } from './route-types.ts';

export const accountRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/account-info\/v3\/details$/,
    kind: 'account-details',
    handle: ({ portal }) =>
      ok({
        portalId: portal.portalId,
        accountType: 'STANDARD',
        timeZone: 'US/Eastern',
        companyCurrency: 'USD',
        additionalCurrencies: [],
        utcOffset: '-05:00',
        utcOffsetMilliseconds: -18_000_000,
        uiDomain: 'app.hubspot.com',
        dataHostingLocation: 'na1',
      }),
  },
];
