// CRM search semantics over contacts: filterGroups (OR of ANDed filters) with HubSpot's operators,
// typed comparison (numbers, date-times as epoch ms or ISO, strings case-insensitively), the free-text
// `query`, and sorts.
import type { PropertyDef } from './builtin-properties.ts';
import type { ContactRecord } from './contact-store.ts';
import { validationError } from './errors.ts';
import type { PropertyStore } from './property-store.ts';
import { comparable } from './property-values.ts';
import { isRecord } from './route-types.ts';

export const OPERATORS = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'] as const;
type Operator = (typeof OPERATORS)[number];
const NEEDS_VALUE: readonly Operator[] = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'];
export const MAX_FILTER_GROUPS = 5;
export const MAX_FILTERS_PER_GROUP = 10;
export const MAX_FILTERS = 25;
const QUERY_PROPERTIES = ['email', 'firstname', 'lastname', 'phone', 'company'];

export interface Filter {
  def: PropertyDef;
  operator: Operator;
  value: string | null;
  highValue: string | null;
  values: string[];
}

export interface Sort {
  def: PropertyDef;
  descending: boolean;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : String(value);
}

export function parseFilterGroups(raw: unknown, props: PropertyStore): Filter[][] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationError('Invalid input JSON: filterGroups must be an array');
  if (raw.length > MAX_FILTER_GROUPS) throw validationError(`Too many filter groups: at most ${MAX_FILTER_GROUPS} are allowed, got ${raw.length}.`, { subCategory: 'SEARCH.TOO_MANY_FILTER_GROUPS' });
  let total = 0;
  const groups = raw.map((group) => {
    const filters = isRecord(group) && Array.isArray(group.filters) ? group.filters : null;
    if (!filters) throw validationError('Invalid input JSON: each filter group needs a filters array');
    if (filters.length > MAX_FILTERS_PER_GROUP) throw validationError(`Too many filters in a group: at most ${MAX_FILTERS_PER_GROUP} are allowed, got ${filters.length}.`, { subCategory: 'SEARCH.TOO_MANY_FILTERS_IN_GROUP' });
    total += filters.length;
    return filters.map((filter): Filter => {
      if (!isRecord(filter) || typeof filter.propertyName !== 'string') throw validationError('Invalid input JSON: each filter needs a propertyName');
      const operator = String(filter.operator) as Operator;
      if (!OPERATORS.includes(operator)) throw validationError(`Unknown filter operator ${String(filter.operator)}; use one of: ${OPERATORS.join(', ')}.`);
      const def = props.get(filter.propertyName);
      if (!def) throw validationError(`There was a problem with the request: property ${filter.propertyName} does not exist.`, { context: { propertyName: [filter.propertyName] } });
      const value = text(filter.value);
      if (NEEDS_VALUE.includes(operator) && value === null) throw validationError(`Filter on ${def.name} with operator ${operator} needs a value.`);
      const highValue = text(filter.highValue);
      if (operator === 'BETWEEN' && highValue === null) throw validationError(`Filter on ${def.name} with operator BETWEEN needs a highValue.`);
      const values = Array.isArray(filter.values) ? filter.values.map((v) => String(v)) : [];
      if ((operator === 'IN' || operator === 'NOT_IN') && values.length === 0) throw validationError(`Filter on ${def.name} with operator ${operator} needs values.`);
      return { def, operator, value, highValue, values };
    });
  });
  if (total > MAX_FILTERS) throw validationError(`Too many filters: at most ${MAX_FILTERS} are allowed in a request, got ${total}.`, { subCategory: 'SEARCH.TOO_MANY_FILTERS' });
  return groups;
}

export function parseSorts(raw: unknown, props: PropertyStore): Sort[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationError('Invalid input JSON: sorts must be an array');
  return raw.map((entry) => {
    let name: string;
    let descending: boolean;
    if (typeof entry === 'string') {
      descending = entry.startsWith('-');
      name = descending ? entry.slice(1) : entry;
    } else if (isRecord(entry) && typeof entry.propertyName === 'string') {
      name = entry.propertyName;
      descending = entry.direction === 'DESCENDING';
    } else throw validationError('Invalid input JSON: a sort is a property name or {propertyName, direction}');
    const def = props.get(name);
    if (!def) throw validationError(`There was a problem with the request: cannot sort by unknown property ${name}.`);
    return { def, descending };
  });
}

function compare(a: number | string, b: number | string): number | null {
  if (typeof a !== typeof b) return null;
  return a < b ? -1 : a > b ? 1 : 0;
}

function tokenMatch(held: string, pattern: string): boolean {
  const regex = new RegExp(`^${pattern.toLowerCase().split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return held.toLowerCase().split(/[\s,;]+/).some((token) => regex.test(token)) || regex.test(held.toLowerCase());
}

function matches(filter: Filter, record: ContactRecord): boolean {
  const held = record.values.get(filter.def.name);
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return held !== undefined;
    case 'NOT_HAS_PROPERTY':
      return held === undefined;
    case 'NEQ':
    case 'NOT_IN':
    case 'NOT_CONTAINS_TOKEN':
      if (held === undefined) return true;
      break;
    default:
      if (held === undefined) return false;
  }
  const heldValue = held ?? '';
  const multi = filter.def.fieldType === 'checkbox' ? heldValue.split(';') : [heldValue];
  const mine = multi.map((v) => comparable(filter.def, v));
  const target = (value: string) => comparable(filter.def, value);
  const eq = (value: string) => mine.some((m) => compare(m, target(value)) === 0);
  const cmp = (value: string) => compare(mine[0] ?? '', target(value));
  switch (filter.operator) {
    case 'EQ':
      return eq(filter.value ?? '');
    case 'NEQ':
      return !eq(filter.value ?? '');
    case 'IN':
      return filter.values.some(eq);
    case 'NOT_IN':
      return !filter.values.some(eq);
    case 'LT':
      return cmp(filter.value ?? '') === -1;
    case 'LTE':
      return [-1, 0].includes(cmp(filter.value ?? '') ?? 2);
    case 'GT':
      return cmp(filter.value ?? '') === 1;
    case 'GTE':
      return [1, 0].includes(cmp(filter.value ?? '') ?? -2);
    case 'BETWEEN':
      return [1, 0].includes(cmp(filter.value ?? '') ?? -2) && [-1, 0].includes(cmp(filter.highValue ?? '') ?? 2);
    case 'CONTAINS_TOKEN':
      return tokenMatch(heldValue, filter.value ?? '');
    case 'NOT_CONTAINS_TOKEN':
      return !tokenMatch(heldValue, filter.value ?? '');
    default:
      return false;
  }
}

export function matchesGroups(groups: Filter[][], record: ContactRecord): boolean {
  return groups.length === 0 || groups.some((group) => group.every((filter) => matches(filter, record)));
}

export function matchesQuery(query: string, record: ContactRecord): boolean {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return true;
  const haystack = QUERY_PROPERTIES.map((name) => record.values.get(name)?.toLowerCase() ?? '');
  return words.every((word) => haystack.some((value) => value.startsWith(word) || value.split(/[\s@.\-_]+/).some((token) => token.startsWith(word))));
}

/** Orders by the sorts (missing values last), then by record id; sort keys are computed once. */
export function sortRecords(records: ContactRecord[], sorts: Sort[]): ContactRecord[] {
  if (sorts.length === 0) return records.sort((a, b) => a.id - b.id);
  const keyed = records.map((record) => ({
    record,
    keys: sorts.map((sort) => {
      const value = record.values.get(sort.def.name);
      return value === undefined ? undefined : comparable(sort.def, value);
    }),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sorts.length; i++) {
      const va = a.keys[i];
      const vb = b.keys[i];
      if (va === undefined || vb === undefined) {
        if (va !== vb) return va === undefined ? 1 : -1;
        continue;
      }
      const order = compare(va, vb) ?? String(va).localeCompare(String(vb));
      if (order !== 0) return sorts[i]?.descending ? -order : order;
    }
    return a.record.id - b.record.id;
  });
  return keyed.map((entry) => entry.record);
}
