// A portal's contacts: records with string property values and their history, an email index
// (unique per portal, case-insensitive), creation/update/archive/purge, and the JSON HubSpot answers
// (SimplePublicObject: id, properties, createdAt, updatedAt, archived).
import { ALWAYS_RETURNED, DEFAULT_CONTACT_PROPERTIES } from './builtin-properties.ts';
import { conflict, propertyValuesError } from './errors.ts';
import type { PropertyValueError } from './errors.ts';
import type { PropertyStore } from './property-store.ts';
import { asRawString, normaliseValue, toIso } from './property-values.ts';

interface ValueVersion {
  value: string;
  timestamp: number;
  sourceType: string;
}

export interface ContactRecord {
  id: number;
  /** Properties with a value (never ''), including createdate, lastmodifieddate and hs_object_id. */
  values: Map<string, string>;
  /** Versions of properties changed after creation, newest first; creation values aren't copied here. */
  history: Map<string, ValueVersion[]>;
  /** sourceType of the values the record was created with. */
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt: number | null;
}

export interface PropertyChange {
  name: string;
  value: string;
}

export interface Selection {
  /** Property names asked for; null for HubSpot's default set. */
  properties: string[] | null;
  propertiesWithHistory?: string[];
}

const HISTORY_DEPTH = 20;

/** Who writes: the API (checked as HubSpot checks), HubSpot itself (read-only values allowed), or seed data (also defines unknown properties as text). */
export type WriteMode = 'api' | 'system' | 'seed';

/**
 * Checks written values against the portal's definitions; throws HubSpot's "Property values were
 * not valid" error listing every problem. Returns the normalised values ('' clears).
 */
export function prepareWrites(props: PropertyStore, portalId: number, input: unknown, mode: WriteMode): Map<string, string> {
  const system = mode !== 'api';
  const out = new Map<string, string>();
  if (input === undefined || input === null) return out;
  if (typeof input !== 'object' || Array.isArray(input)) throw propertyValuesError(portalId, [{ error: 'PROPERTY_DOESNT_EXIST', name: 'properties', message: 'properties must be an object' }]);
  const problems: PropertyValueError[] = [];
  for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
    let def = props.get(name);
    if (!def && mode === 'seed') def = props.defineSeedProperty(name);
    if (!def) {
      problems.push({ error: 'PROPERTY_DOESNT_EXIST', name, message: `Property "${name}" does not exist` });
      continue;
    }
    const result = normaliseValue(def, asRawString(raw), system);
    if (result.ok) out.set(name, result.value);
    else problems.push(result.problem);
  }
  if (problems.length > 0) throw propertyValuesError(portalId, problems);
  return out;
}

/** A property's versions: its changes, then the value it was created with (if any). */
function versionsAtCreation(record: ContactRecord, name: string): ValueVersion[] {
  const initial = record.values.get(name);
  return initial === undefined ? [] : [{ value: initial, timestamp: record.createdAt, sourceType: record.createdBy }];
}

export class ContactStore {
  private readonly byId = new Map<number, ContactRecord>();
  private readonly byEmail = new Map<string, ContactRecord>();
  private lastId = 0;
  /** Every record (archived too) by id; rebuilt after a create or purge. */
  private ordered: ContactRecord[] | null = null;
  /** Bumped by every change to any record, for caches of derived results. */
  version = 0;

  get(id: number | string): ContactRecord | undefined {
    const numeric = typeof id === 'number' ? id : /^\d+$/.test(id) ? Number(id) : NaN;
    const record = this.byId.get(numeric);
    return record && !record.archived ? record : undefined;
  }

  getIncludingArchived(id: number): ContactRecord | undefined {
    return this.byId.get(id);
  }

  getByEmail(email: string): ContactRecord | undefined {
    return this.byEmail.get(email.trim().toLowerCase());
  }

  private sorted(): ContactRecord[] {
    this.ordered ??= [...this.byId.values()].sort((a, b) => a.id - b.id);
    return this.ordered;
  }

  /** Live (or archived) records ordered by id. */
  all(archived = false): ContactRecord[] {
    return this.sorted().filter((r) => r.archived === archived);
  }

  /** Up to `count` live (or archived) records with id >= fromId, in id order. */
  page(fromId: number, count: number, archived = false): ContactRecord[] {
    const ordered = this.sorted();
    let low = 0;
    let high = ordered.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((ordered[mid]?.id ?? 0) < fromId) low = mid + 1;
      else high = mid;
    }
    const out: ContactRecord[] = [];
    for (let i = low; i < ordered.length && out.length < count; i++) {
      const record = ordered[i];
      if (record && record.archived === archived) out.push(record);
    }
    return out;
  }

  private emailTaken(email: string, self: ContactRecord | null): void {
    const existing = this.byEmail.get(email);
    if (existing && existing !== self) throw conflict(`Contact already exists. Existing ID: ${existing.id}`);
  }

  /** Creates a record from normalised values; createdAt/updatedAt default to now. */
  create(values: Map<string, string>, options: { id?: number; createdAt?: number; updatedAt?: number; sourceType: string; now?: number }): ContactRecord {
    const now = options.now ?? Date.now();
    const email = values.get('email');
    if (email) this.emailTaken(email, null);
    const id = options.id ?? this.lastId + 1;
    if (this.byId.has(id)) throw new Error(`Contact id ${id} already exists`);
    this.lastId = Math.max(this.lastId, id);
    const createdAt = options.createdAt ?? now;
    const updatedAt = options.updatedAt ?? (options.createdAt ?? now);
    const record: ContactRecord = { id, values: new Map(), history: new Map(), createdBy: options.sourceType, createdAt, updatedAt, archived: false, archivedAt: null };
    for (const [name, value] of values) if (value !== '' && name !== 'createdate' && name !== 'lastmodifieddate') record.values.set(name, value);
    record.values.set('createdate', values.get('createdate') || toIso(createdAt));
    record.values.set('hs_object_id', String(id));
    record.values.set('lastmodifieddate', toIso(updatedAt));
    this.byId.set(id, record);
    this.version++;
    const ordered = this.ordered;
    if (ordered && (ordered.length === 0 || (ordered[ordered.length - 1]?.id ?? 0) < id)) ordered.push(record);
    else this.ordered = null;
    if (email) this.byEmail.set(email, record);
    return record;
  }

  /** Applies changes; returns those that changed a value and bumps lastmodifieddate when any did. */
  update(record: ContactRecord, values: Map<string, string>, sourceType: string, now: number = Date.now()): PropertyChange[] {
    const newEmail = values.get('email');
    if (newEmail) this.emailTaken(newEmail, record);
    const changes: PropertyChange[] = [];
    for (const [name, value] of values) {
      if (name === 'lastmodifieddate' || name === 'hs_object_id') continue;
      if ((record.values.get(name) ?? '') === value) continue;
      if (name === 'email') {
        const old = record.values.get('email');
        if (old) this.byEmail.delete(old);
        if (value) this.byEmail.set(value, record);
      }
      this.setValue(record, name, value, now, sourceType);
      changes.push({ name, value });
    }
    if (changes.length > 0) {
      this.version++;
      record.updatedAt = Math.max(now, record.updatedAt + 1);
      this.setValue(record, 'lastmodifieddate', toIso(record.updatedAt), record.updatedAt, sourceType);
    }
    return changes;
  }

  private setValue(record: ContactRecord, name: string, value: string, timestamp: number, sourceType: string): void {
    const versions = record.history.get(name) ?? versionsAtCreation(record, name);
    if (value === '') record.values.delete(name);
    else record.values.set(name, value);
    versions.unshift({ value, timestamp, sourceType });
    if (versions.length > HISTORY_DEPTH) versions.length = HISTORY_DEPTH;
    record.history.set(name, versions);
  }

  archive(record: ContactRecord, now: number = Date.now()): void {
    this.version++;
    record.archived = true;
    record.archivedAt = now;
    const email = record.values.get('email');
    if (email && this.byEmail.get(email) === record) this.byEmail.delete(email);
  }

  /** GDPR delete: the record and its history are gone for good. */
  purge(record: ContactRecord): void {
    this.archive(record);
    this.byId.delete(record.id);
    this.ordered = null;
  }
}

/** Property names a response carries for a selection. */
export function selectedNames(selection: Selection): string[] {
  if (selection.properties === null || selection.properties.length === 0) return [...DEFAULT_CONTACT_PROPERTIES];
  return [...new Set([...selection.properties, ...ALWAYS_RETURNED])];
}

export function contactJson(record: ContactRecord, selection: Selection, props: PropertyStore): Record<string, unknown> {
  const properties: Record<string, string | null> = {};
  for (const name of selectedNames(selection)) {
    if (!props.get(name)) continue;
    properties[name] = record.values.get(name) ?? null;
  }
  const json: Record<string, unknown> = {
    id: String(record.id),
    properties,
    createdAt: toIso(record.createdAt),
    updatedAt: toIso(record.updatedAt),
    archived: record.archived,
  };
  if (record.archivedAt !== null) json.archivedAt = toIso(record.archivedAt);
  const withHistory = (selection.propertiesWithHistory ?? []).filter((name) => props.get(name));
  if (withHistory.length > 0) {
    json.propertiesWithHistory = Object.fromEntries(
      withHistory.map((name) => [name, (record.history.get(name) ?? versionsAtCreation(record, name)).map((v) => ({ value: v.value, timestamp: toIso(v.timestamp), sourceType: v.sourceType }))]),
    );
  }
  return json;
}
