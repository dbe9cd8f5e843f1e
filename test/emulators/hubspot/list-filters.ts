// DYNAMIC list membership: evaluates a lists v3 filterBranch (OR/AND branches of PROPERTY filters)
// against a contact's values. Supports the ALL_PROPERTY, STRING, MULTISTRING, ENUMERATION, NUMBER
// and BOOL operation types; anything else is refused when the list is created.
import { validationError } from './errors.ts';

type Branch = Record<string, unknown>;
type Values = ReadonlyMap<string, string>;

const OPERATION_TYPES = ['ALL_PROPERTY', 'STRING', 'MULTISTRING', 'ENUMERATION', 'NUMBER', 'BOOL'];

function asArray(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];
}

/** Throws a 400 for branches or filters the emulator can't evaluate. */
export function checkFilterBranch(branch: Branch): void {
  const type = branch.filterBranchType;
  if (type !== 'OR' && type !== 'AND') throw validationError(`filterBranchType ${String(type)} is not supported by this emulator; use OR or AND branches.`);
  for (const filter of asArray(branch.filters)) {
    if (filter.filterType !== 'PROPERTY') throw validationError(`filterType ${String(filter.filterType)} is not supported by this emulator; use PROPERTY filters.`);
    const operation = filter.operation as Record<string, unknown> | undefined;
    if (typeof filter.property !== 'string' || !operation || !OPERATION_TYPES.includes(String(operation.operationType))) {
      throw validationError(`PROPERTY filter needs a property and an operation of type ${OPERATION_TYPES.join(', ')}.`);
    }
  }
  for (const child of asArray(branch.filterBranches)) checkFilterBranch(child);
}

function compareNumbers(operator: string, actual: number, expected: number): boolean {
  switch (operator) {
    case 'IS_EQUAL_TO':
      return actual === expected;
    case 'IS_NOT_EQUAL_TO':
      return actual !== expected;
    case 'IS_GREATER_THAN':
      return actual > expected;
    case 'IS_GREATER_THAN_OR_EQUAL_TO':
      return actual >= expected;
    case 'IS_LESS_THAN':
      return actual < expected;
    case 'IS_LESS_THAN_OR_EQUAL_TO':
      return actual <= expected;
    default:
      return false;
  }
}

function compareStrings(operator: string, actual: string, expected: string): boolean {
  switch (operator) {
    case 'IS_EQUAL_TO':
      return actual === expected;
    case 'IS_NOT_EQUAL_TO':
      return actual !== expected;
    case 'CONTAINS':
      return actual.includes(expected);
    case 'DOES_NOT_CONTAIN':
      return !actual.includes(expected);
    case 'STARTS_WITH':
      return actual.startsWith(expected);
    case 'ENDS_WITH':
      return actual.endsWith(expected);
    default:
      return false;
  }
}

function matchesFilter(filter: Record<string, unknown>, values: Values): boolean {
  const operation = filter.operation as Record<string, unknown>;
  const operator = String(operation.operator);
  const raw = values.get(String(filter.property));
  if (operation.operationType === 'ALL_PROPERTY') return operator === 'IS_KNOWN' ? raw !== undefined : operator === 'IS_UNKNOWN' ? raw === undefined : false;
  if (raw === undefined) return operation.includeObjectsWithNoValueSet === true;
  const actual = raw.toLowerCase();
  const wanted = (Array.isArray(operation.values) ? operation.values : []).map((v) => String(v).toLowerCase());
  switch (operation.operationType) {
    case 'STRING':
      return compareStrings(operator, actual, String(operation.value ?? '').toLowerCase());
    case 'MULTISTRING':
      return operator.startsWith('IS_NOT') || operator.startsWith('DOES_NOT')
        ? wanted.every((w) => compareStrings(operator, actual, w))
        : wanted.some((w) => compareStrings(operator, actual, w));
    case 'NUMBER':
      return compareNumbers(operator, Number(raw), Number(operation.value));
    case 'BOOL':
      return compareStrings(operator, actual, String(operation.value).toLowerCase());
    case 'ENUMERATION': {
      const held = actual.split(';');
      if (operator === 'IS_ANY_OF') return held.some((h) => wanted.includes(h));
      if (operator === 'IS_NONE_OF') return !held.some((h) => wanted.includes(h));
      if (operator === 'CONTAINS_ALL') return wanted.every((w) => held.includes(w));
      if (operator === 'DOES_NOT_CONTAIN_ALL') return !wanted.every((w) => held.includes(w));
      if (operator === 'IS_EXACTLY') return held.length === wanted.length && wanted.every((w) => held.includes(w));
      if (operator === 'IS_NOT_EXACTLY') return !(held.length === wanted.length && wanted.every((w) => held.includes(w)));
      return false;
    }
    default:
      return false;
  }
}

export function matchesBranch(branch: Branch, values: Values): boolean {
  const results = [...asArray(branch.filters).map((f) => () => matchesFilter(f, values)), ...asArray(branch.filterBranches).map((b) => () => matchesBranch(b, values))];
  if (branch.filterBranchType === 'AND') return results.every((test) => test());
  return results.some((test) => test());
}
