// Settings: the tag prefix, the consent policy, the holdout share and the sync schedule. A PUT
// changes only the fields given and stores nothing when any of them is bad.
import { randomBytes } from 'node:crypto';
import { DEFAULT_CONSENT_POLICY } from '../../../core/consent-policy.ts';
import { DEFAULT_HOLDOUT_SHARE } from '../../../core/holdout/holdout.ts';
import { defaultSchedule, formatLocal, upcomingFireTimes } from '../../../core/schedule/index.ts';
import { effectiveSchedule } from '../../jobs/scheduler.ts';
import type { ShopSettings } from '../../store/store.ts';
import { ApiHttpError, notFound } from './api-errors.ts';
import { defineRoute, ok } from './api-route.ts';
import { ApiErrorSchema, SettingsResponseSchema, SettingsUpdateRequest } from './api-schemas.ts';
import type { SettingsResponse } from './api-types.ts';
import { requireSettings } from './shop-data.ts';

/** The next scheduled full sync as local time with its offset, or null when none will run. */
export function nextFullSyncAt(settings: ShopSettings, nowMs: number): string | null {
  const schedule = effectiveSchedule(settings);
  if (!schedule || schedule.paused || schedule.fullSyncCron === null) return null;
  const [next] = upcomingFireTimes({ cron: schedule.fullSyncCron, timeZone: schedule.timeZone }, nowMs, 1);
  return next === undefined ? null : formatLocal(schedule.timeZone, next);
}

export function settingsView(settings: ShopSettings, now: Date): SettingsResponse {
  const hubspot = settings.hubspot ?? null;
  return {
    tagPrefix: settings.tagPrefix,
    consentPolicy: settings.consentPolicy ?? DEFAULT_CONSENT_POLICY,
    holdoutShare: settings.holdout?.share ?? DEFAULT_HOLDOUT_SHARE,
    schedule: settings.schedule ?? defaultSchedule(),
    nextFullSyncAt: nextFullSyncAt(settings, now.getTime()),
    hubspot: {
      connected: hubspot !== null,
      portalId: hubspot?.portalId ?? null,
      authKind: hubspot === null ? null : (hubspot.authKind ?? 'private-app'),
      requestsPerTenSeconds: hubspot?.requestsPerTenSeconds ?? null,
      createContacts: hubspot?.createContacts ?? false,
    },
  };
}

export const settingsRoutes = [
  defineRoute({
    method: 'get',
    path: '/settings',
    operationId: 'getSettings',
    summary: 'Tag prefix, consent policy, holdout share, schedule and the HubSpot connection',
    tag: 'settings',
    responses: { 200: { description: 'The settings', schema: SettingsResponseSchema }, 404: { description: 'Unknown shop', schema: ApiErrorSchema } },
    async handle({ shopId, services }) {
      return ok(settingsView(await requireSettings(services, shopId), services.now()));
    },
  }),
  defineRoute({
    method: 'put',
    path: '/settings',
    operationId: 'updateSettings',
    summary: 'Change some settings; nothing is stored when any field is bad',
    tag: 'settings',
    body: SettingsUpdateRequest,
    responses: {
      200: { description: 'The settings after the change', schema: SettingsResponseSchema },
      409: { description: 'The tag prefix cannot change while tags written with the old one are on customers', schema: ApiErrorSchema },
      422: { description: 'A field is not valid (issues name it)', schema: ApiErrorSchema },
    },
    async handle({ shopId, body, services }) {
      const { store } = services;
      const settings = await requireSettings(services, shopId);
      if (body.tagPrefix !== undefined && body.tagPrefix !== settings.tagPrefix) {
        // Tags are found again by prefix: with tags of the old prefix on customers, a new prefix
        // would leave them behind for good.
        const written = await store.getWrittenMemberships(shopId, 'shopify');
        if ([...written.values()].some((members) => members.size > 0)) {
          throw new ApiHttpError(409, 'CONFLICT', `the tag prefix cannot change while tags written with "${settings.tagPrefix}" are on customers`, [{ path: 'tagPrefix', message: 'tags with the current prefix are written' }]);
        }
      }
      // Only the fields given change, on the settings as stored at the write (a HubSpot token
      // refreshed or connected meanwhile is kept).
      const salt = randomBytes(16).toString('hex');
      const updated = await store.updateShopSettings(shopId, (current) => {
        if (!current) return null;
        const next: ShopSettings = { ...current };
        if (body.tagPrefix !== undefined && body.tagPrefix !== settings.tagPrefix) next.tagPrefix = body.tagPrefix;
        if (body.consentPolicy !== undefined) next.consentPolicy = body.consentPolicy;
        if (body.holdoutShare !== undefined) next.holdout = { share: body.holdoutShare, salt: current.holdout?.salt ?? salt };
        if (body.schedule !== undefined) next.schedule = body.schedule;
        return next;
      }, services.now().toISOString());
      if (!updated) throw notFound(`unknown shop ${shopId}`);
      return ok(settingsView(updated, services.now()));
    },
  }),
];
