// The rule language's data: the parsed rule (a plain, position-free tree that is safe to compare
// and to serialise), and the errors parseRule returns as values. See README.md for the language.

/** The type of a field in the catalogue. */
export type FieldType = 'number' | 'string' | 'boolean' | 'date' | 'string-list';

export type ComparisonOperator = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** Units of a relative date: days, weeks, calendar months, calendar years. */
export type DateUnit = 'd' | 'w' | 'm' | 'y';

/** A literal value as written in a rule (after normalisation: enum values use the catalogue's spelling). */
export type RuleValue =
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  /** A calendar day, `YYYY-MM-DD`. */
  | { readonly type: 'date'; readonly value: string }
  /** A day relative to the evaluation's asOf day: `-30d` is { amount: -30, unit: 'd' }. */
  | { readonly type: 'relative-date'; readonly amount: number; readonly unit: DateUnit };

interface FieldCondition {
  /** The field's name as the catalogue spells it. */
  readonly field: string;
  readonly fieldType: FieldType;
}

export type Condition =
  | (FieldCondition & { readonly kind: 'compare'; readonly operator: ComparisonOperator; readonly value: RuleValue })
  | (FieldCondition & { readonly kind: 'in'; readonly negated: boolean; readonly values: readonly RuleValue[] })
  | (FieldCondition & { readonly kind: 'between'; readonly negated: boolean; readonly low: RuleValue; readonly high: RuleValue })
  | (FieldCondition & { readonly kind: 'contains'; readonly negated: boolean; readonly value: string })
  | (FieldCondition & { readonly kind: 'is-null'; readonly negated: boolean });

/** A parsed rule. AND and OR are n-ary and flattened: an `and` never holds an `and` directly. */
export type Rule =
  | Condition
  | { readonly kind: 'and'; readonly rules: readonly Rule[] }
  | { readonly kind: 'or'; readonly rules: readonly Rule[] }
  | { readonly kind: 'not'; readonly rule: Rule };

/** Stable codes of rule errors; UIs and tests key on these, never on messages. */
export type RuleErrorCode =
  | 'NOT_TEXT'
  | 'EMPTY_RULE'
  | 'RULE_TOO_LONG'
  | 'TOO_DEEP'
  | 'UNEXPECTED_CHARACTER'
  | 'UNTERMINATED_STRING'
  | 'INVALID_ESCAPE'
  | 'INVALID_NUMBER'
  | 'INVALID_DATE'
  | 'INVALID_DATE_OFFSET'
  | 'UNEXPECTED_TOKEN'
  | 'MISSING_OPERAND'
  | 'MISSING_OPERATOR'
  | 'UNCLOSED_PAREN'
  | 'TRAILING_INPUT'
  | 'UNQUOTED_TEXT'
  | 'UNKNOWN_FIELD'
  | 'OPERATOR_NOT_ALLOWED'
  | 'TYPE_MISMATCH'
  | 'UNKNOWN_VALUE'
  | 'VALUE_OUT_OF_RANGE'
  | 'EMPTY_RANGE';

export const RULE_ERROR_CODES: readonly RuleErrorCode[] = [
  'NOT_TEXT',
  'EMPTY_RULE',
  'RULE_TOO_LONG',
  'TOO_DEEP',
  'UNEXPECTED_CHARACTER',
  'UNTERMINATED_STRING',
  'INVALID_ESCAPE',
  'INVALID_NUMBER',
  'INVALID_DATE',
  'INVALID_DATE_OFFSET',
  'UNEXPECTED_TOKEN',
  'MISSING_OPERAND',
  'MISSING_OPERATOR',
  'UNCLOSED_PAREN',
  'TRAILING_INPUT',
  'UNQUOTED_TEXT',
  'UNKNOWN_FIELD',
  'OPERATOR_NOT_ALLOWED',
  'TYPE_MISMATCH',
  'UNKNOWN_VALUE',
  'VALUE_OUT_OF_RANGE',
  'EMPTY_RANGE',
];

/**
 * Where an error is. `offset` is 0-based; `line` and `column` are 1-based. All three count UTF-16
 * code units (JavaScript string indices), as browser editors do. A line break is \n, \r\n or \r.
 */
export interface RulePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface RuleError {
  readonly code: RuleErrorCode;
  /** One sentence for a marketer, naming what was found and what would fit. */
  readonly message: string;
  readonly position: RulePosition;
  /** How many characters the error covers from `position` (0 at the end of the text). */
  readonly length: number;
  /** The closest known name, for unknown fields, values and operators ("did you mean"). */
  readonly suggestion?: string;
}

export type ParseResult = { readonly ok: true; readonly rule: Rule } | { readonly ok: false; readonly errors: readonly RuleError[] };

export interface RuleLimits {
  /** Longest rule text accepted, in characters (default 2,000). */
  readonly maxLength: number;
  /** Deepest nesting of parentheses and NOT (default 16). */
  readonly maxDepth: number;
}

export const DEFAULT_RULE_LIMITS: RuleLimits = { maxLength: 2000, maxDepth: 16 };

/** The 1-based line and column of a 0-based offset. */
export function positionAt(text: string, offset: number): RulePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}
