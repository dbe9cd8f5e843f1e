// Parse a HubSpot webhook delivery (Webhooks API v3: a JSON array of events) into canonical
// contact events. Verify the signature on the raw body first (webhook-signature.ts).
//
// - The whole delivery is rejected (a value, not a throw) when the body is larger than 1 MiB,
//   is not JSON, is not an array, or holds more than 1,000 events.
// - Otherwise each entry is parsed on its own: a malformed entry, an unsupported subscription type
//   or an object that is not a contact is skipped with its index and a reason; the others go on.
// - Supported: the legacy contact subscriptions (contact.creation, contact.propertyChange,
//   contact.deletion, contact.privacyDeletion) and the generic ones (object.creation,
//   object.propertyChange, object.deletion) for objectTypeId 0-1 (contacts). HubSpot documents
//   that contact.privacyDeletion has no generic form, and that a privacy deletion also triggers a
//   normal deletion event: both arrive, as two events.
// - HubSpot documents eventId as "not guaranteed to be unique", so the dedupe key combines it with
//   the portal, subscription type, object id and property: stable across HubSpot's retries
//   (attemptNumber is left out), distinct for distinct changes. Use it as the job id.
// - Ids arrive as JSON numbers: one above 2^53 cannot be represented exactly after JSON.parse, so
//   such an entry is rejected rather than keyed to the wrong contact.
import { z } from 'zod';
import { HUBSPOT_LIMITS } from './platform.ts';

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
export const MAX_WEBHOOK_EVENTS = 1000;
/** HubSpot's objectTypeId for contacts, as in generic (object.*) webhook payloads. */
export const CONTACT_OBJECT_TYPE_ID: string = HUBSPOT_LIMITS.contactObjectTypeId;

export type HubSpotContactEventKind = 'contact.created' | 'contact.changed' | 'contact.deleted' | 'contact.privacyDeleted';

export interface HubSpotContactEvent {
  kind: HubSpotContactEventKind;
  portalId: string;
  contactId: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
  eventId: string;
  /** For contact.changed: the property and its new value (null when HubSpot sent none). */
  property?: { name: string; value: string | null };
  changeSource?: string;
  attemptNumber: number;
  /** `hubspot:<portalId>:<eventId>:<subscriptionType>:<contactId>[:<property>]`; see above. */
  dedupeKey: string;
}

export interface RejectedEntry {
  index: number;
  reason: string;
}

export type WebhookParseResult =
  | { ok: true; events: HubSpotContactEvent[]; rejected: RejectedEntry[] }
  | { ok: false; reason: string };

/** A non-negative integer id: a safe JSON number, or a decimal string. Canonical form: string. */
const idSchema = z.union([
  z.number().int().nonnegative().refine(Number.isSafeInteger, 'id is above 2^53 and lost precision'),
  z.string().regex(/^[0-9]+$/, 'id must be a decimal integer'),
]);

const epochMsSchema = z.union([
  z.number().int().nonnegative().refine(Number.isSafeInteger, 'timestamp is not a safe integer'),
  z.string().regex(/^[0-9]+$/, 'timestamp must be epoch milliseconds').transform(Number),
]);

const rawEventSchema = z.looseObject({
  eventId: idSchema,
  subscriptionId: idSchema,
  portalId: idSchema,
  appId: idSchema,
  occurredAt: epochMsSchema,
  subscriptionType: z.string().min(1),
  attemptNumber: z.number().int().nonnegative(),
  objectId: idSchema,
  objectTypeId: z.string().optional(),
  propertyName: z.string().min(1).nullable().optional(),
  propertyValue: z.union([z.string(), z.number(), z.boolean()]).nullable().optional(),
  changeSource: z.string().nullable().optional(),
});
type RawEvent = z.infer<typeof rawEventSchema>;

const LEGACY_KINDS: Readonly<Record<string, HubSpotContactEventKind>> = {
  'contact.creation': 'contact.created',
  'contact.propertyChange': 'contact.changed',
  'contact.deletion': 'contact.deleted',
  'contact.privacyDeletion': 'contact.privacyDeleted',
};
const GENERIC_KINDS: Readonly<Record<string, HubSpotContactEventKind>> = {
  'object.creation': 'contact.created',
  'object.propertyChange': 'contact.changed',
  'object.deletion': 'contact.deleted',
};

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function kindOf(raw: RawEvent): HubSpotContactEventKind | string {
  const legacy = LEGACY_KINDS[raw.subscriptionType];
  if (legacy !== undefined) return legacy;
  const generic = GENERIC_KINDS[raw.subscriptionType];
  if (generic !== undefined) {
    if (raw.objectTypeId === undefined) return `${raw.subscriptionType} without objectTypeId`;
    if (raw.objectTypeId !== CONTACT_OBJECT_TYPE_ID) return `${raw.subscriptionType} for objectTypeId ${raw.objectTypeId} (not a contact)`;
    return generic;
  }
  return `unsupported subscription type ${raw.subscriptionType}`;
}

function isKind(value: string): value is HubSpotContactEventKind {
  return value === 'contact.created' || value === 'contact.changed' || value === 'contact.deleted' || value === 'contact.privacyDeleted';
}

/** The dedupe key of an event: stable across HubSpot's retries of it. */
export function hubSpotEventDedupeKey(parts: {
  portalId: string;
  eventId: string;
  subscriptionType: string;
  objectId: string;
  propertyName?: string | null;
}): string {
  const base = `hubspot:${parts.portalId}:${parts.eventId}:${parts.subscriptionType}:${parts.objectId}`;
  return parts.propertyName == null ? base : `${base}:${parts.propertyName}`;
}

/** Parse one entry: a canonical event, or the reason it was skipped. */
export function parseHubSpotWebhookEvent(entry: unknown): { event: HubSpotContactEvent } | { reason: string } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { reason: `event must be an object (got ${entry === null ? 'null' : Array.isArray(entry) ? 'array' : typeof entry})` };
  }
  const parsed = rawEventSchema.safeParse(entry);
  if (!parsed.success) return { reason: describeIssues(parsed.error) };
  const raw = parsed.data;
  const kind = kindOf(raw);
  if (!isKind(kind)) return { reason: kind };

  const occurred = new Date(raw.occurredAt);
  if (Number.isNaN(occurred.getTime())) return { reason: 'occurredAt: out of range' };

  const portalId = String(raw.portalId);
  const contactId = String(raw.objectId);
  const eventId = String(raw.eventId);
  const event: HubSpotContactEvent = {
    kind,
    portalId,
    contactId,
    occurredAt: occurred.toISOString(),
    eventId,
    attemptNumber: raw.attemptNumber,
    dedupeKey: hubSpotEventDedupeKey({
      portalId,
      eventId,
      subscriptionType: raw.subscriptionType,
      objectId: contactId,
      propertyName: kind === 'contact.changed' ? raw.propertyName : null,
    }),
  };
  if (kind === 'contact.changed') {
    if (raw.propertyName == null) return { reason: 'propertyName: required for a property change' };
    event.property = { name: raw.propertyName, value: raw.propertyValue == null ? null : String(raw.propertyValue) };
  }
  if (raw.changeSource != null) event.changeSource = raw.changeSource;
  return { event };
}

/**
 * Parse an already-decoded delivery. Rejects the whole delivery when it is not an array or holds
 * more than 1,000 events; otherwise skips bad entries one by one (and repeats of a dedupe key
 * within the delivery). Never throws.
 */
export function parseHubSpotWebhookEvents(payload: unknown): WebhookParseResult {
  if (!Array.isArray(payload)) return { ok: false, reason: 'payload must be a JSON array of events' };
  if (payload.length > MAX_WEBHOOK_EVENTS) {
    return { ok: false, reason: `payload holds ${payload.length} events; at most ${MAX_WEBHOOK_EVENTS} are accepted` };
  }
  const events: HubSpotContactEvent[] = [];
  const rejected: RejectedEntry[] = [];
  const seen = new Map<string, number>();
  payload.forEach((entry: unknown, index) => {
    const result = parseHubSpotWebhookEvent(entry);
    if ('reason' in result) {
      rejected.push({ index, reason: result.reason });
      return;
    }
    const first = seen.get(result.event.dedupeKey);
    if (first !== undefined) {
      rejected.push({ index, reason: `duplicate of event at index ${first}` });
      return;
    }
    seen.set(result.event.dedupeKey, index);
    events.push(result.event);
  });
  return { ok: true, events, rejected };
}

/**
 * Parse a delivery from its raw body (the same bytes the signature was checked on). Rejects the
 * whole delivery when the body is larger than 1 MiB or is not UTF-8 JSON. Never throws.
 */
export function parseHubSpotWebhookBody(rawBody: string | Uint8Array): WebhookParseResult {
  const bytes = typeof rawBody === 'string' ? Buffer.byteLength(rawBody, 'utf8') : rawBody.byteLength;
  if (bytes > MAX_WEBHOOK_BODY_BYTES) {
    return { ok: false, reason: `body is ${bytes} bytes; at most ${MAX_WEBHOOK_BODY_BYTES} are accepted` };
  }
  let payload: unknown;
  try {
    const text = typeof rawBody === 'string' ? rawBody : new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
    payload = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `body is not valid UTF-8 JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return parseHubSpotWebhookEvents(payload);
}
