// Property values: checks a written value against its definition (HubSpot's PROPERTY_DOESNT_EXIST,
// READ_ONLY_VALUE, INVALID_OPTION ... errors) and stores it in HubSpot's string form: date-times as
// ISO strings, dates as YYYY-MM-DD, booleans as true/false, multi-select values ';'-separated.
import type { PropertyDef } from './builtin-properties.ts';
import type { PropertyValueError } from './errors.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DAY_MS = 86_400_000;

/** Epoch milliseconds from digits or an ISO date(-time); null when neither. */
export function parseTimestamp(value: string): number | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Math.trunc(Number(trimmed));
  const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  return Number.isNaN(parsed) ? null : parsed;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A JSON value as the string HubSpot would store; null and undefined clear the property. */
export function asRawString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export type Normalised = { ok: true; value: string } | { ok: false; problem: PropertyValueError };

function problem(error: PropertyValueError['error'], name: string, message: string): Normalised {
  return { ok: false, problem: { error, name, message } };
}

/**
 * Checks and normalises one value. `system` writes (seeding, HubSpot-side changes) may set
 * read-only properties. An empty string clears the property and is always allowed.
 */
export function normaliseValue(def: PropertyDef, raw: string, system: boolean): Normalised {
  if (!system && def.readOnlyValue) return problem('READ_ONLY_VALUE', def.name, `"${def.name}" is a read only property; its value cannot be set.`);
  if (raw === '') return { ok: true, value: '' };
  switch (def.type) {
    case 'string': {
      if (def.name === 'email') {
        const email = raw.trim().toLowerCase();
        if (!EMAIL.test(email)) return problem('INVALID_EMAIL', def.name, `Email address ${raw} is invalid`);
        return { ok: true, value: email };
      }
      return { ok: true, value: raw };
    }
    case 'number': {
      const trimmed = raw.trim();
      if (trimmed === '' || !Number.isFinite(Number(trimmed))) return problem('INVALID_DOUBLE', def.name, `${raw} is not a valid number.`);
      return { ok: true, value: trimmed };
    }
    case 'bool': {
      const lower = raw.trim().toLowerCase();
      if (lower !== 'true' && lower !== 'false') return problem('INVALID_BOOLEAN', def.name, `${raw} is not a valid boolean value; use true or false.`);
      return { ok: true, value: lower };
    }
    case 'datetime': {
      const ms = parseTimestamp(raw);
      if (ms === null) return problem('INVALID_DATE', def.name, `${raw} is not a valid date-time: use epoch milliseconds or ISO 8601.`);
      return { ok: true, value: toIso(ms) };
    }
    case 'date': {
      const ms = parseTimestamp(raw);
      if (ms === null) return problem('INVALID_DATE', def.name, `${raw} is not a valid date: use YYYY-MM-DD or epoch milliseconds at midnight UTC.`);
      if (ms % DAY_MS !== 0) return problem('INVALID_DATE', def.name, `${raw} is at ${toIso(ms)} which isn't midnight`);
      return { ok: true, value: toIso(ms).slice(0, 10) };
    }
    case 'enumeration': {
      const allowed = def.options.map((o) => o.value);
      if (def.fieldType === 'booleancheckbox') {
        const lower = raw.trim().toLowerCase();
        if (lower === 'true' || lower === 'false') return { ok: true, value: lower };
      }
      const values = def.fieldType === 'checkbox' ? raw.split(';').filter((v) => v !== '') : [raw];
      const bad = values.find((v) => !allowed.includes(v));
      if (bad !== undefined) {
        return problem('INVALID_OPTION', def.name, `${bad} was not one of the allowed options: [${def.options.map((o) => `label: "${o.label}" value: "${o.value}"`).join(', ')}]`);
      }
      return { ok: true, value: values.join(';') };
    }
  }
}

/** A stored value as a comparable: numbers and date(-time)s as numbers, the rest lower-cased. */
export function comparable(def: PropertyDef | undefined, value: string): number | string {
  if (def?.type === 'number') {
    const n = Number(value);
    return Number.isFinite(n) ? n : value.toLowerCase();
  }
  if (def?.type === 'datetime' || def?.type === 'date') {
    const ms = parseTimestamp(value);
    return ms === null ? value.toLowerCase() : ms;
  }
  return value.toLowerCase();
}
