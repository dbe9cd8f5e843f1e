// The checks of meaning in a rule: which operators a field type takes, whether a value fits a
// field, enum spellings, and reversed BETWEEN bounds. Pure functions; the parser reports.
import { isCalendarDate } from './lexer.ts';
import type { FieldSpec } from './catalogue.ts';
import type { FieldType, RuleErrorCode, RuleValue } from './rule.ts';
import { suggest } from './suggest.ts';

const ORDERED_TYPES: ReadonlySet<FieldType> = new Set(['number', 'date']);

/** Why `operator` (=, <, IN, NOT CONTAINS...) does not suit `field`, as a hint; null if it does. */
export function operatorProblem(operator: string, field: string, spec: FieldSpec): string | null {
  const type = spec.type;
  if (operator === '=' || operator === '!=') {
    if (type === 'string-list') return `${field} is a list: write ${field} CONTAINS 'value'.`;
  } else if (operator === '>' || operator === '>=' || operator === '<' || operator === '<=' || operator === 'BETWEEN' || operator === 'NOT BETWEEN') {
    if (type === 'string-list') return `${field} is a list: write ${field} CONTAINS 'value'.`;
    if (!ORDERED_TYPES.has(type)) return `${operator} compares numbers and dates; ${field} is ${article(type)}: use = or !=.`;
  } else if (operator === 'IN' || operator === 'NOT IN') {
    if (type === 'boolean') return `${field} is true or false: write ${field} = true or ${field} = false.`;
    if (type === 'string-list') return `${field} is a list: write ${field} CONTAINS 'value', joining several with OR.`;
  } else if (operator === 'CONTAINS' || operator === 'NOT CONTAINS') {
    if (type !== 'string-list') return `${operator} works on list fields; ${field} is ${article(type)}: use = or IN.`;
  }
  return null;
}

export interface ValueProblem {
  code: RuleErrorCode;
  message: string;
  suggestion?: string;
}

/** Why a literal does not fit `field` (wrong type, out of range, not an allowed value); null if it does. */
export function valueProblem(field: string, spec: FieldSpec, literal: RuleValue): ValueProblem | null {
  const mismatch = (expected: string): ValueProblem => ({ code: 'TYPE_MISMATCH', message: `${field} is ${expected}, but this is ${describeLiteral(literal)}.` });
  switch (spec.type) {
    case 'number':
      if (literal.type !== 'number') return mismatch('a number');
      if ((spec.min !== undefined && literal.value < spec.min) || (spec.max !== undefined && literal.value > spec.max)) {
        return { code: 'VALUE_OUT_OF_RANGE', message: `${field} is ${rangeText(spec)}; ${literal.value} is outside that.` };
      }
      return null;
    case 'boolean':
      return literal.type === 'boolean' ? null : mismatch('true or false');
    case 'date':
      if (literal.type === 'date' || literal.type === 'relative-date') return null;
      if (literal.type === 'string' && isCalendarDate(literal.value)) return null;
      return mismatch('a date (written 2024-05-30, or -30d for 30 days ago)');
    case 'string':
    case 'string-list': {
      if (literal.type !== 'string') return mismatch("text (between single quotes, like 'Kitchen')");
      if (spec.values === undefined || enumValue(spec, literal.value) !== undefined) return null;
      const suggestion = suggest(literal.value, spec.values);
      const hint = suggestion === undefined ? ` Known values: ${spec.values.join(', ')}.` : ` Did you mean '${suggestion}'?`;
      const problem: ValueProblem = { code: 'UNKNOWN_VALUE', message: `'${literal.value}' is not a value of ${field}.${hint}` };
      return suggestion === undefined ? problem : { ...problem, suggestion };
    }
  }
}

/** The literal as the rule keeps it: enum values in the catalogue's spelling, quoted dates as dates. */
export function normaliseValue(spec: FieldSpec, literal: RuleValue): RuleValue {
  if (literal.type !== 'string') return literal;
  if (spec.type === 'date' && isCalendarDate(literal.value)) return { type: 'date', value: literal.value };
  if (spec.values !== undefined) {
    const canonical = enumValue(spec, literal.value);
    if (canonical !== undefined) return { type: 'string', value: canonical };
  }
  return literal;
}

/** True when BETWEEN's bounds are surely reversed, whatever asOf (months against days are not judged). */
export function isEmptyRange(low: RuleValue, high: RuleValue): boolean {
  const a = comparable(low);
  const b = comparable(high);
  return a !== null && b !== null && a.scale === b.scale && a.value > b.value;
}

/** A value that can be ordered without knowing asOf, on a scale shared with like values. */
function comparable(value: RuleValue): { scale: string; value: number } | null {
  switch (value.type) {
    case 'number':
      return { scale: 'number', value: value.value };
    case 'date':
      return { scale: 'date', value: Date.parse(value.value) };
    case 'relative-date':
      if (value.unit === 'd' || value.unit === 'w') return { scale: 'days', value: value.amount * (value.unit === 'w' ? 7 : 1) };
      return { scale: 'months', value: value.amount * (value.unit === 'y' ? 12 : 1) };
    default:
      return null;
  }
}

function enumValue(spec: FieldSpec, value: string): string | undefined {
  const folded = value.toLowerCase();
  return spec.values?.find((candidate) => candidate.toLowerCase() === folded);
}

function article(type: FieldType): string {
  switch (type) {
    case 'number':
      return 'a number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'date':
      return 'a date';
    case 'string-list':
      return 'a list';
  }
}

function rangeText(spec: FieldSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return `between ${spec.min} and ${spec.max}`;
  if (spec.min !== undefined) return `at least ${spec.min}`;
  return `at most ${spec.max}`;
}

function describeLiteral(literal: RuleValue): string {
  switch (literal.type) {
    case 'number':
      return `the number ${literal.value}`;
    case 'string':
      return `the text '${literal.value}'`;
    case 'boolean':
      return `${literal.value}`;
    case 'date':
      return `the date ${literal.value}`;
    case 'relative-date':
      return 'a relative date';
  }
}
