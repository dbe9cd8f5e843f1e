// Evaluating a parsed rule against one customer's record.
//
// Null semantics (as in SQL): a missing value (null, undefined, or a value of the wrong type) is
// UNKNOWN. Every comparison with an unknown value is UNKNOWN, whatever the operator: =, !=, <,
// IN, NOT IN, BETWEEN, CONTAINS, NOT CONTAINS. NOT UNKNOWN is UNKNOWN; FALSE AND UNKNOWN is FALSE;
// TRUE OR UNKNOWN is TRUE; otherwise AND/OR with UNKNOWN is UNKNOWN. The rule matches only when
// the whole is TRUE. IS NULL and IS NOT NULL are never UNKNOWN. So `NOT x = 1` and `x != 1`
// always agree, and neither matches a customer with no x.
//
// Text is compared ignoring letter case. Dates are compared by UTC calendar day.
import { toEpochMs, MS_PER_DAY, type InstantInput } from '../instant.ts';
import { dayOfLiteral, dayOfRecordValue } from './days.ts';
import type { ComparisonOperator, Condition, FieldType, Rule, RuleValue } from './rule.ts';

/** A customer's values by field name. Dates: `YYYY-MM-DD`, ISO-8601 text, epoch ms or Date. */
export type RuleRecord = Readonly<Record<string, unknown>>;

export interface EvaluateOptions {
  /** The instant relative dates count from (`-30d` is 30 days before asOf's UTC day). */
  readonly asOf: InstantInput;
}

export type Predicate = (record: RuleRecord) => boolean;

/** TRUE, FALSE or UNKNOWN (null). */
type Truth = boolean | null;
type Test = (record: RuleRecord) => Truth;

/**
 * Compiles a rule once into a predicate for many records. Throws a VALIDATION error for an
 * invalid asOf (a programming error); the predicate itself never throws.
 */
export function compileRule(rule: Rule, options: EvaluateOptions): Predicate {
  const asOfDay = Math.floor(toEpochMs(options.asOf, 'asOf') / MS_PER_DAY);
  const test = compileNode(rule, asOfDay);
  return (record) => test(record) === true;
}

/** Evaluates a rule against one record. For many records, compile the rule once with compileRule. */
export function evaluateRule(rule: Rule, record: RuleRecord, options: EvaluateOptions): boolean {
  return compileRule(rule, options)(record);
}

function compileNode(rule: Rule, asOfDay: number): Test {
  switch (rule.kind) {
    case 'and':
      return compileAnd(rule.rules.map((r) => compileNode(r, asOfDay)));
    case 'or':
      return compileOr(rule.rules.map((r) => compileNode(r, asOfDay)));
    case 'not': {
      const inner = compileNode(rule.rule, asOfDay);
      return (record) => {
        const t = inner(record);
        return t === null ? null : !t;
      };
    }
    default:
      return compileCondition(rule, asOfDay);
  }
}

function compileAnd(tests: readonly Test[]): Test {
  return (record) => {
    let result: Truth = true;
    for (const test of tests) {
      const t = test(record);
      if (t === false) return false;
      if (t === null) result = null;
    }
    return result;
  };
}

function compileOr(tests: readonly Test[]): Test {
  return (record) => {
    let result: Truth = false;
    for (const test of tests) {
      const t = test(record);
      if (t === true) return true;
      if (t === null) result = null;
    }
    return result;
  };
}

/** Reads a field as the comparable scalar of its type: number, lower-cased text, boolean, day number. */
function reader(field: string, type: FieldType): (record: RuleRecord) => number | string | boolean | null {
  switch (type) {
    case 'number':
      return (record) => {
        const v = record[field];
        return typeof v === 'number' && !Number.isNaN(v) ? v : null;
      };
    case 'string':
      return (record) => {
        const v = record[field];
        return typeof v === 'string' ? v.toLowerCase() : null;
      };
    case 'boolean':
      return (record) => {
        const v = record[field];
        return typeof v === 'boolean' ? v : null;
      };
    case 'date':
      return (record) => dayOfRecordValue(record[field]);
    case 'string-list':
      return () => null;
  }
}

/** A literal as the same comparable scalar as `reader` gives. */
function scalar(value: RuleValue, type: FieldType, asOfDay: number): number | string | boolean {
  if (type === 'date') return dayOfLiteral(value, asOfDay);
  if (value.type === 'string') return value.value.toLowerCase();
  if (value.type === 'number' || value.type === 'boolean') return value.value;
  return Number.NaN;
}

function compileCondition(condition: Condition, asOfDay: number): Test {
  const { field, fieldType } = condition;
  if (condition.kind === 'is-null') {
    const read = reader(field, fieldType);
    const isNull = fieldType === 'string-list' ? (record: RuleRecord) => !Array.isArray(record[field]) : (record: RuleRecord) => read(record) === null;
    return condition.negated ? (record) => !isNull(record) : isNull;
  }
  if (condition.kind === 'contains') {
    const wanted = condition.value.toLowerCase();
    const negated = condition.negated;
    return (record) => {
      const list = record[field];
      if (!Array.isArray(list)) return null;
      let found = false;
      for (const item of list) {
        if (typeof item === 'string' && item.toLowerCase() === wanted) {
          found = true;
          break;
        }
      }
      return found !== negated;
    };
  }
  const read = reader(field, fieldType);
  if (condition.kind === 'compare') {
    const target = scalar(condition.value, fieldType, asOfDay);
    const compare = comparator(condition.operator);
    return (record) => {
      const v = read(record);
      return v === null ? null : compare(v, target);
    };
  }
  if (condition.kind === 'in') {
    const targets = new Set(condition.values.map((value) => scalar(value, fieldType, asOfDay)));
    const negated = condition.negated;
    return (record) => {
      const v = read(record);
      return v === null ? null : targets.has(v) !== negated;
    };
  }
  const low = scalar(condition.low, fieldType, asOfDay);
  const high = scalar(condition.high, fieldType, asOfDay);
  const negated = condition.negated;
  return (record) => {
    const v = read(record);
    return v === null ? null : (v >= low && v <= high) !== negated;
  };
}

type Scalar = number | string | boolean;

function comparator(operator: ComparisonOperator): (a: Scalar, b: Scalar) => boolean {
  switch (operator) {
    case '=':
      return (a, b) => a === b;
    case '!=':
      return (a, b) => a !== b;
    case '>':
      return (a, b) => a > b;
    case '>=':
      return (a, b) => a >= b;
    case '<':
      return (a, b) => a < b;
    case '<=':
      return (a, b) => a <= b;
  }
}
