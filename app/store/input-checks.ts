// Argument checks shared by both backends, done before touching the database so that a call that
// cannot be right fails the same way (RefineryError INPUT/VALIDATION) on every backend.
import { RefineryError } from '../../core/errors.ts';
import type { Platform } from '../../core/model.ts';
import type { MembershipWrite, RemoteSegment, SegmentSnapshot, ShopSettings } from './store.ts';

export const DEFAULT_PAGE_SIZE = 1000;
export const DEFAULT_RUN_LIMIT = 50;

export function checkShopId(shopId: string): string {
  if (typeof shopId !== 'string' || shopId.length === 0) throw new RefineryError('INPUT', 'shop id must be a non-empty string');
  return shopId;
}

export function checkPositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RefineryError('INPUT', `${name} must be a positive integer (got ${value})`);
  return value;
}

const PLATFORMS: ReadonlySet<string> = new Set<Platform>(['shopify', 'hubspot']);

/** A platform name given as an argument (INPUT) or inside a record (VALIDATION). */
export function checkPlatform(platform: Platform, code: 'INPUT' | 'VALIDATION' = 'INPUT'): Platform {
  if (typeof platform !== 'string' || !PLATFORMS.has(platform)) {
    throw new RefineryError(code, `platform must be "shopify" or "hubspot" (got ${JSON.stringify(platform)})`);
  }
  return platform;
}

/** A record id given as an argument (contact id...): a non-empty string. */
export function checkId(name: string, id: string): string {
  if (typeof id !== 'string' || id.length === 0) throw new RefineryError('INPUT', `${name} must be a non-empty string`);
  return id;
}

function hubspotSettingsProblem(hubspot: unknown): string | null {
  if (hubspot === undefined || hubspot === null) return null;
  if (typeof hubspot !== 'object') return 'must be an object or null';
  const { accessToken, basePath, requestsPerTenSeconds, createContacts } = hubspot as Record<string, unknown>;
  if (typeof accessToken !== 'string' || accessToken.length === 0) return 'accessToken must be a non-empty string';
  if (basePath !== null && typeof basePath !== 'string') return 'basePath must be a string or null';
  if (typeof requestsPerTenSeconds !== 'number' || !Number.isSafeInteger(requestsPerTenSeconds) || requestsPerTenSeconds < 1) {
    return 'requestsPerTenSeconds must be a positive whole number';
  }
  if (typeof createContacts !== 'boolean') return 'createContacts must be true or false';
  return null;
}

export function checkSettings(settings: ShopSettings): ShopSettings {
  if (typeof settings !== 'object' || settings === null || typeof settings.tagPrefix !== 'string') {
    throw new RefineryError('VALIDATION', 'shop settings need a string tagPrefix');
  }
  const problem = hubspotSettingsProblem(settings.hubspot);
  if (problem !== null) throw new RefineryError('VALIDATION', `shop settings: hubspot ${problem}`);
  return settings;
}

export interface PropertyWrite {
  contactId: string;
  property: string;
  value: string;
}

/**
 * Checks property writes and flattens them to one row per (contact, property), the last value
 * winning, sorted by (contactId, property) so that concurrent writers lock rows in the same order.
 */
export function checkPropertyWrites(writes: Array<{ contactId: string; values: Record<string, string> }>, at: string): PropertyWrite[] {
  if (!Array.isArray(writes)) throw new RefineryError('VALIDATION', 'property writes must be an array');
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) throw new RefineryError('VALIDATION', 'property writes need an ISO-8601 at timestamp');
  const rows = new Map<string, PropertyWrite>();
  for (const write of writes) {
    const contactId: unknown = write?.contactId;
    const values: unknown = write?.values;
    if (typeof contactId !== 'string' || contactId === '' || contactId.includes('\u0000')) {
      throw new RefineryError('VALIDATION', `property write ${JSON.stringify(contactId)}: contactId must be a non-empty string without NUL characters`);
    }
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new RefineryError('VALIDATION', `property write for contact ${contactId}: values must be an object of strings`);
    }
    for (const [property, value] of Object.entries(values)) {
      if (property === '' || property.includes('\u0000') || typeof value !== 'string' || value.includes('\u0000')) {
        throw new RefineryError('VALIDATION', `property write for contact ${contactId}: property ${JSON.stringify(property)} needs a non-empty name and a string value without NUL characters`);
      }
      rows.set(`${contactId}\u0000${property}`, { contactId, property, value });
    }
  }
  return [...rows.values()].sort((a, b) =>
    a.contactId !== b.contactId ? (a.contactId < b.contactId ? -1 : 1) : a.property === b.property ? 0 : a.property < b.property ? -1 : 1,
  );
}

function isPair(value: unknown): value is { segmentKey: string; customerId: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { segmentKey, customerId } = value as { segmentKey?: unknown; customerId?: unknown };
  return typeof segmentKey === 'string' && segmentKey !== '' && typeof customerId === 'string' && customerId !== '';
}

export function checkMembershipWrite(write: MembershipWrite): MembershipWrite {
  checkPlatform(write?.platform, 'VALIDATION');
  if (!Array.isArray(write.added) || !Array.isArray(write.removed) || typeof write.at !== 'string') {
    throw new RefineryError('VALIDATION', 'a membership write needs added and removed arrays and an at timestamp');
  }
  for (const pair of [...write.added, ...write.removed]) {
    if (!isPair(pair)) throw new RefineryError('VALIDATION', `bad membership pair ${JSON.stringify(pair)}: segmentKey and customerId must be non-empty strings`);
  }
  return write;
}

export function checkRemoteSegment(segment: RemoteSegment): RemoteSegment {
  checkPlatform(segment?.platform, 'VALIDATION');
  if (typeof segment.segmentKey !== 'string' || segment.segmentKey === '' || typeof segment.remoteId !== 'string' || segment.remoteId === '') {
    throw new RefineryError('VALIDATION', 'a remote segment needs a non-empty segmentKey and remoteId');
  }
  return segment;
}

export function checkSnapshots(snapshots: SegmentSnapshot[]): SegmentSnapshot[] {
  const keys = new Set<string>();
  for (const snapshot of snapshots) {
    const key = snapshot.definition?.key;
    if (typeof key !== 'string' || key === '') throw new RefineryError('VALIDATION', 'every snapshot needs a definition with a non-empty key');
    if (keys.has(key)) throw new RefineryError('VALIDATION', `segment key ${JSON.stringify(key)} appears twice in one snapshot`);
    keys.add(key);
    for (const field of ['size', 'revenue', 'revenueShare'] as const) {
      if (!Number.isFinite(snapshot[field])) throw new RefineryError('VALIDATION', `snapshot ${key}: ${field} must be a finite number`);
    }
    if (!Number.isSafeInteger(snapshot.size) || snapshot.size < 0) throw new RefineryError('VALIDATION', `snapshot ${key}: size must be a whole number`);
  }
  return snapshots;
}
