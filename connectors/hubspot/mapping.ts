// Pure mapping from a raw HubSpot contact to the canonical Contact. HubSpot sends numbers, dates
// and booleans as strings; absent or empty values stay null (unknown), never become zero.
import type { Contact } from '../../core/model.ts';
import { RefineryError } from '../../core/errors.ts';
import type { RawContact } from './raw-contact.ts';

const value = (raw: RawContact, name: string): string | null => {
  const v = raw.properties[name];
  return v === undefined || v === null || v.trim() === '' ? null : v.trim();
};

function count(raw: RawContact, name: string): number | null {
  const v = value(raw, name);
  if (v === null) return null;
  const n = Number(v);
  // HubSpot keeps some counters as decimals ("3.0"); negative or non-numeric values are unknown.
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}

/** A HubSpot date: epoch milliseconds or ISO text. */
function date(text: string | null): string | null {
  if (text === null) return null;
  const t = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

function topLevelDate(v: string | Date | undefined): string | null {
  if (v === undefined) return null;
  return v instanceof Date ? (Number.isNaN(v.getTime()) ? null : v.toISOString()) : date(v);
}

export function mapContact(raw: RawContact): Contact {
  const createdAt = date(value(raw, 'createdate')) ?? topLevelDate(raw.createdAt);
  const updatedAt = date(value(raw, 'lastmodifieddate')) ?? topLevelDate(raw.updatedAt) ?? createdAt;
  if (!createdAt || !updatedAt) throw new RefineryError('VALIDATION', `HubSpot contact ${raw.id} has no readable create or modify date`);
  const optOut = value(raw, 'hs_email_optout');
  return {
    source: 'hubspot',
    id: raw.id,
    email: value(raw, 'email')?.toLowerCase() ?? null,
    firstName: value(raw, 'firstname'),
    lastName: value(raw, 'lastname'),
    lifecycleStage: value(raw, 'lifecyclestage'),
    emailDelivered: count(raw, 'hs_email_delivered'),
    emailOpens: count(raw, 'hs_email_open'),
    emailClicks: count(raw, 'hs_email_click'),
    emailBounces: count(raw, 'hs_email_bounce'),
    emailOptOut: optOut === null ? null : optOut.toLowerCase() === 'true',
    pageViews: count(raw, 'hs_analytics_num_page_views'),
    visits: count(raw, 'hs_analytics_num_visits'),
    lastVisitAt: date(value(raw, 'hs_analytics_last_visit_timestamp')),
    createdAt,
    updatedAt,
  };
}
