// Argument checks shared by both backends, done before touching the database so that a call that
// cannot be right fails the same way (RefineryError INPUT/VALIDATION) on every backend.
import { RefineryError } from '../../core/errors.ts';
import { isConsentPolicy } from '../../core/consent-policy.ts';
import { normaliseEmail } from '../../core/identity.ts';
import type { Customer, Platform } from '../../core/model.ts';
import { validateSchedule } from '../../core/schedule/schedule.ts';
import { validateSegmentKey } from '../../core/segment-tags.ts';
import type { HoldoutCohort, MembershipWrite, RemoteSegment, RuleSegment, SegmentSnapshot, ShopSettings } from './store.ts';

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
  const portalId = (hubspot as Record<string, unknown>).portalId;
  if (portalId !== undefined && portalId !== null && (typeof portalId !== 'number' || !Number.isSafeInteger(portalId) || portalId < 1)) return 'portalId must be a positive whole number or null';
  const { authKind, refreshToken, expiresAt } = hubspot as Record<string, unknown>;
  if (authKind !== undefined && authKind !== 'private-app' && authKind !== 'oauth') return 'authKind must be "private-app" or "oauth"';
  if (refreshToken !== undefined && refreshToken !== null && (typeof refreshToken !== 'string' || refreshToken.length === 0)) return 'refreshToken must be a non-empty string or null';
  if (expiresAt !== undefined && expiresAt !== null && (typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt)))) return 'expiresAt must be an ISO-8601 timestamp or null';
  return null;
}

export const MAX_HOLDOUT_SHARE = 0.5;
export const MAX_HOLDOUT_SALT_LENGTH = 200;

/** A holdout share: a finite number from 0 to 0.5 (the rule of core/holdout). */
function holdoutShareProblem(share: unknown): string | null {
  return typeof share === 'number' && Number.isFinite(share) && share >= 0 && share <= MAX_HOLDOUT_SHARE
    ? null
    : `share must be a number from 0 to ${MAX_HOLDOUT_SHARE} (got ${String(share)})`;
}

function holdoutSettingsProblem(holdout: unknown): string | null {
  if (holdout === undefined) return null;
  if (typeof holdout !== 'object' || holdout === null || Array.isArray(holdout)) return 'must be an object with share and salt, or omitted';
  const { share, salt } = holdout as Record<string, unknown>;
  const shareProblem = holdoutShareProblem(share);
  if (shareProblem !== null) return shareProblem;
  if (typeof salt !== 'string' || salt.length === 0 || salt.length > MAX_HOLDOUT_SALT_LENGTH || salt.includes('\u0000')) {
    return `salt must be a non-empty string of at most ${MAX_HOLDOUT_SALT_LENGTH} characters without NUL characters`;
  }
  return null;
}

/** The install records: shopify.installedAt and uninstalled (app/webhooks/uninstall.ts). */
function installProblem(settings: ShopSettings): string | null {
  const installedAt = (settings.shopify as Record<string, unknown> | null | undefined)?.['installedAt'];
  if (installedAt !== undefined && !isTimestamp(installedAt)) return 'shopify installedAt must be an ISO-8601 timestamp or omitted';
  const uninstalled: unknown = settings.uninstalled;
  if (uninstalled === undefined) return null;
  if (typeof uninstalled !== 'object' || uninstalled === null || Array.isArray(uninstalled)) return 'uninstalled must be an object with at and pausedSchedule, or omitted';
  const { at, pausedSchedule } = uninstalled as Record<string, unknown>;
  if (!isTimestamp(at)) return 'uninstalled at must be an ISO-8601 timestamp';
  if (typeof pausedSchedule !== 'boolean') return 'uninstalled pausedSchedule must be true or false';
  return null;
}

export function checkSettings(settings: ShopSettings): ShopSettings {
  if (typeof settings !== 'object' || settings === null || typeof settings.tagPrefix !== 'string') {
    throw new RefineryError('VALIDATION', 'shop settings need a string tagPrefix');
  }
  const install = installProblem(settings);
  if (install !== null) throw new RefineryError('VALIDATION', `shop settings: ${install}`);
  const problem = hubspotSettingsProblem(settings.hubspot);
  if (problem !== null) throw new RefineryError('VALIDATION', `shop settings: hubspot ${problem}`);
  const holdoutProblem = holdoutSettingsProblem(settings.holdout);
  if (holdoutProblem !== null) throw new RefineryError('VALIDATION', `shop settings: holdout ${holdoutProblem}`);
  if (settings.schedule !== undefined) {
    const schedule = validateSchedule(settings.schedule);
    if (!schedule.ok) throw new RefineryError('VALIDATION', `shop settings: schedule ${schedule.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
  if (settings.consentPolicy !== undefined && !isConsentPolicy(settings.consentPolicy)) {
    throw new RefineryError('VALIDATION', `shop settings: consentPolicy must be "all" or "subscribed-only" (got ${JSON.stringify(settings.consentPolicy)})`);
  }
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

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !Number.isNaN(Date.parse(value));
}

/** A text that PostgreSQL can store (no NUL characters). */
function hasNul(value: string): boolean {
  return value.includes('\u0000');
}

/** A model state name: non-empty, without NUL characters. */
export function checkModelStateName(name: string): string {
  if (typeof name !== 'string' || name === '' || hasNul(name)) {
    throw new RefineryError('VALIDATION', `model state name must be a non-empty string without NUL characters (got ${JSON.stringify(name)})`);
  }
  return name;
}

/**
 * Serialises a model state to JSON text. VALIDATION when it is not JSON-serialisable (undefined, a
 * function, a BigInt, a cycle) or holds a NUL character in a string or key (PostgreSQL's jsonb
 * cannot store one, so neither backend accepts it).
 */
export function modelStateJson(name: string, value: unknown, at: string): string {
  if (!isTimestamp(at)) throw new RefineryError('VALIDATION', `model state ${name}: at must be an ISO-8601 timestamp`);
  let nul = false;
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (key: string, item: unknown) => {
      if (hasNul(key) || (typeof item === 'string' && hasNul(item))) nul = true;
      return item;
    }) as string | undefined;
  } catch (error) {
    throw new RefineryError('VALIDATION', `model state ${name} is not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (json === undefined) throw new RefineryError('VALIDATION', `model state ${name} is not JSON-serialisable (got ${typeof value})`);
  if (nul) throw new RefineryError('VALIDATION', `model state ${name} must not contain NUL characters`);
  return json;
}

export const MAX_RULE_SEGMENT_KEY_LENGTH = 60;

/** A rule segment key: a lower-case slug (`big-spenders`, as segment keys are) of at most 60 characters. */
function checkRuleSegmentKey(key: string): string {
  if (typeof key !== 'string' || key.length > MAX_RULE_SEGMENT_KEY_LENGTH || !validateSegmentKey(key).valid) {
    throw new RefineryError(
      'VALIDATION',
      `rule segment key must be a lower-case slug (letters, digits, single dashes) of at most ${MAX_RULE_SEGMENT_KEY_LENGTH} characters (got ${JSON.stringify(key)})`,
    );
  }
  return key;
}

export function checkRuleSegment(segment: RuleSegment): RuleSegment {
  if (typeof segment !== 'object' || segment === null) throw new RefineryError('VALIDATION', 'a rule segment must be an object');
  checkRuleSegmentKey(segment.key);
  for (const field of ['name', 'rule'] as const) {
    const value: unknown = segment[field];
    if (typeof value !== 'string' || value.trim() === '' || hasNul(value)) {
      throw new RefineryError('VALIDATION', `rule segment ${segment.key}: ${field} must be a non-blank string without NUL characters`);
    }
  }
  for (const field of ['createdAt', 'updatedAt'] as const) {
    if (!isTimestamp(segment[field])) throw new RefineryError('VALIDATION', `rule segment ${segment.key}: ${field} must be an ISO-8601 timestamp`);
  }
  return segment;
}

/** A holdout cohort ready to write: person ids deduplicated within each group and sorted (insert locality). */
export interface CheckedCohort {
  segmentKey: string;
  startedAt: string;
  share: number;
  treated: string[];
  holdout: string[];
}

function checkPersonIds(segmentKey: string, group: string, ids: unknown): Set<string> {
  if (!Array.isArray(ids)) throw new RefineryError('VALIDATION', `holdout cohort ${segmentKey}: ${group} must be an array of person ids`);
  const distinct = new Set<string>();
  for (const id of ids as unknown[]) {
    if (typeof id !== 'string' || id === '' || hasNul(id)) {
      throw new RefineryError('VALIDATION', `holdout cohort ${segmentKey}: ${group} person id ${JSON.stringify(id)} must be a non-empty string without NUL characters`);
    }
    distinct.add(id);
  }
  return distinct;
}

/**
 * Checks a holdout cohort: the segment key a lower-case slug, startedAt a timestamp, share from 0 to
 * 0.5, person ids non-empty strings, no person in both groups. A person listed twice in one group
 * is kept once.
 */
export function checkHoldoutCohort(cohort: HoldoutCohort): CheckedCohort {
  if (typeof cohort !== 'object' || cohort === null) throw new RefineryError('VALIDATION', 'a holdout cohort must be an object');
  const { segmentKey, startedAt, share } = cohort;
  const key = typeof segmentKey === 'string' ? validateSegmentKey(segmentKey) : { valid: false as const, reason: 'segment key must be a string' };
  if (!key.valid) throw new RefineryError('VALIDATION', `holdout cohort: ${key.reason}`);
  if (!isTimestamp(startedAt)) throw new RefineryError('VALIDATION', `holdout cohort ${segmentKey}: startedAt must be an ISO-8601 timestamp`);
  const shareProblem = holdoutShareProblem(share);
  if (shareProblem !== null) throw new RefineryError('VALIDATION', `holdout cohort ${segmentKey}: ${shareProblem}`);
  const treated = checkPersonIds(segmentKey, 'treated', cohort.treated);
  const holdout = checkPersonIds(segmentKey, 'holdout', cohort.holdout);
  for (const id of holdout) {
    if (treated.has(id)) throw new RefineryError('VALIDATION', `holdout cohort ${segmentKey}: person ${JSON.stringify(id)} is both treated and held out`);
  }
  // Sorted so that rows go into the (shop, segment, person) index in order: much faster for 100,000
  // people. UTF-16 order is close enough for that; the stores read back in byte order.
  return { segmentKey, startedAt, share, treated: [...treated].sort(), holdout: [...holdout].sort() };
}

/** Customer refs one listOrdersOfCustomers call takes at most. */
export const MAX_CUSTOMER_REFS = 200;

/** The email of a person lookup, normalised as core/identity.ts does; INPUT when blank, not a string, or holding NUL. */
export function checkLookupEmail(email: string): string {
  const normalised = typeof email === 'string' && !hasNul(email) ? normaliseEmail(email) : null;
  if (normalised === null) throw new RefineryError('INPUT', `email must be a non-blank string without NUL characters (got ${JSON.stringify(email)})`);
  return normalised;
}

export interface CustomerRef {
  source: Customer['source'];
  id: string;
}

/** Customer refs of listOrdersOfCustomers: at most 200, each a known source and a non-empty id; returned without repeats. */
export function checkCustomerRefs(customers: ReadonlyArray<CustomerRef>): CustomerRef[] {
  if (!Array.isArray(customers)) throw new RefineryError('INPUT', 'customers must be an array of { source, id }');
  if (customers.length > MAX_CUSTOMER_REFS) {
    throw new RefineryError('INPUT', `at most ${MAX_CUSTOMER_REFS} customers per call (got ${customers.length})`);
  }
  const distinct = new Map<string, CustomerRef>();
  for (const ref of customers as readonly unknown[]) {
    const { source, id } = (typeof ref === 'object' && ref !== null ? ref : {}) as { source?: unknown; id?: unknown };
    if ((source !== 'shopify' && source !== 'csv') || typeof id !== 'string' || id === '' || hasNul(id)) {
      throw new RefineryError('INPUT', `bad customer ref ${JSON.stringify(ref)}: source must be "shopify" or "csv", id a non-empty string without NUL characters`);
    }
    distinct.set(`${source}\u0000${id}`, { source, id });
  }
  return [...distinct.values()];
}

/** Record ids to filter by (one person's customers or contacts): at most MAX_CUSTOMER_REFS, distinct. */
export function checkRecordIds(name: string, ids: readonly string[]): string[] {
  if (!Array.isArray(ids)) throw new RefineryError('INPUT', `${name} must be an array`);
  if (ids.length > MAX_CUSTOMER_REFS) throw new RefineryError('INPUT', `at most ${MAX_CUSTOMER_REFS} ${name} per call (got ${ids.length})`);
  for (const id of ids) checkId(name, id);
  return [...new Set(ids)];
}
