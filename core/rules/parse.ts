// parseRule: rule text -> Rule, or every error found, each with its exact position. Never throws.
//
// Grammar (keywords in any letter case):
//   rule       := or END
//   or         := and { OR and }
//   and        := unary { AND unary }
//   unary      := NOT unary | primary
//   primary    := '(' or ')' | condition
//   condition  := field ( compare value
//                       | [NOT] IN '(' value { ',' value } ')'
//                       | [NOT] BETWEEN value AND value
//                       | [NOT] CONTAINS value
//                       | IS [NOT] NULL )
//   compare    := '=' | '!=' | '<>' | '>' | '>=' | '<' | '<='
//   value      := 'text' | number | TRUE | FALSE | YYYY-MM-DD | relative date (-30d, +2w, -6m, -1y)
//
// A syntax error ends parsing (one error is reported for it). Errors about meaning (unknown
// field, wrong type, unknown value) do not: parsing goes on, so all of them are reported at once.
import { lookupField, type Catalogue, type FieldSpec } from './catalogue.ts';
import { formatRule } from './format.ts';
import { isEmptyRange, normaliseValue, operatorProblem, valueProblem } from './check.ts';
import { tokenize, type Token } from './lexer.ts';
import {
  DEFAULT_RULE_LIMITS,
  positionAt,
  type Condition,
  type FieldType,
  type ParseResult,
  type Rule,
  type RuleError,
  type RuleErrorCode,
  type RuleLimits,
  type RuleValue,
} from './rule.ts';
import { suggest } from './suggest.ts';

/** Thrown inside the parser only, to stop at a syntax error; parseRule catches it. */
class StopParsing {
  readonly stop = true;
}

interface Problem {
  code: RuleErrorCode;
  message: string;
  start: number;
  end: number;
  suggestion?: string;
}

type ValueToken = { literal: RuleValue; start: number; end: number };

const CONDITION_KEYWORDS = ['IN', 'NOT', 'BETWEEN', 'CONTAINS', 'IS'];

export function parseRule(text: string, catalogue: Catalogue, limits: Partial<RuleLimits> = {}): ParseResult {
  if (typeof text !== 'string') {
    return { ok: false, errors: [{ code: 'NOT_TEXT', message: 'A rule must be text.', position: { offset: 0, line: 1, column: 1 }, length: 0 }] };
  }
  const { maxLength, maxDepth } = { ...DEFAULT_RULE_LIMITS, ...limits };
  const fail = (problem: Problem): ParseResult => ({ ok: false, errors: [toError(text, problem)] });
  if (text.length > maxLength) {
    return fail({
      code: 'RULE_TOO_LONG',
      message: `A rule may be at most ${maxLength} characters long; this one has ${text.length}.`,
      start: maxLength,
      end: text.length,
    });
  }
  const tokens = tokenize(text);
  const first = tokens[0];
  if (first === undefined || first.kind === 'end') {
    return fail({ code: 'EMPTY_RULE', message: 'The rule is empty: write a condition such as amount_spent > 100.', start: 0, end: text.length });
  }
  const parser = new Parser(tokens, catalogue, maxDepth);
  let rule: Rule | null = null;
  try {
    rule = parser.parseRule();
  } catch (error) {
    if (!(error instanceof StopParsing)) throw error;
  }
  if (rule !== null && parser.problems.length === 0) {
    // The limit holds for the canonical text too (it adds spaces, and writes 1e3 as 1000), so
    // that every accepted rule's canonical text is accepted again.
    const canonicalLength = formatRule(rule).length;
    if (canonicalLength <= maxLength) return { ok: true, rule };
    return fail({
      code: 'RULE_TOO_LONG',
      message: `A rule may be at most ${maxLength} characters long; written out in full, this one has ${canonicalLength}.`,
      start: 0,
      end: text.length,
    });
  }
  const errors = parser.problems.map((problem) => toError(text, problem));
  errors.sort((a, b) => a.position.offset - b.position.offset);
  return { ok: false, errors };
}

function toError(text: string, problem: Problem): RuleError {
  const error: RuleError = { code: problem.code, message: problem.message, position: positionAt(text, problem.start), length: problem.end - problem.start };
  return problem.suggestion === undefined ? error : { ...error, suggestion: problem.suggestion };
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the rule';
    case 'identifier':
      return `'${token.name}'`;
    case 'keyword':
      return token.keyword;
    case 'string':
      return 'a quoted text';
    case 'number':
      return `the number ${token.value}`;
    case 'date':
      return `the date ${token.value}`;
    case 'offset':
      return 'a relative date';
    case 'operator':
      return `'${token.operator}'`;
    case 'invalid':
      return 'an invalid character';
    default:
      return `'${token.kind}'`;
  }
}

const isKeyword = (token: Token, keyword: string): boolean => token.kind === 'keyword' && token.keyword === keyword;

/** Tokens that cannot begin a condition and so show that one is missing. */
const endsOperand = (token: Token): boolean =>
  token.kind === 'end' || token.kind === ')' || isKeyword(token, 'AND') || isKeyword(token, 'OR');

class Parser {
  readonly problems: Problem[] = [];
  private index = 0;
  private readonly tokens: readonly Token[];
  private readonly catalogue: Catalogue;
  private readonly maxDepth: number;

  constructor(tokens: readonly Token[], catalogue: Catalogue, maxDepth: number) {
    this.tokens = tokens;
    this.catalogue = catalogue;
    this.maxDepth = maxDepth;
  }

  parseRule(): Rule {
    const rule = this.parseOr(0);
    const token = this.peek();
    if (token.kind !== 'end') {
      if (token.kind === 'invalid') this.syntax(token.code, token.message, token);
      if (token.kind === ')') this.syntax('TRAILING_INPUT', "This ')' closes no '('.", token);
      this.syntax('TRAILING_INPUT', `Unexpected ${describe(token)} after a complete condition: join conditions with AND or OR.`, token);
    }
    return rule;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'end' && token.kind !== 'invalid') this.index += 1;
    return token;
  }

  private syntax(code: RuleErrorCode, message: string, span: { start: number; end: number }, suggestion?: string): never {
    this.report(code, message, span, suggestion);
    throw new StopParsing();
  }

  private report(code: RuleErrorCode, message: string, span: { start: number; end: number }, suggestion?: string): void {
    this.problems.push(suggestion === undefined ? { code, message, start: span.start, end: span.end } : { code, message, start: span.start, end: span.end, suggestion });
  }

  /** A syntax error at `token`: its own lexer error if it is invalid, else `code`/`message`. */
  private unexpected(token: Token, code: RuleErrorCode, message: string): never {
    if (token.kind === 'invalid') this.syntax(token.code, token.message, token);
    this.syntax(code, message, token);
  }

  private parseOr(depth: number): Rule {
    return this.parseChain(depth, 'OR');
  }

  private parseChain(depth: number, keyword: 'AND' | 'OR'): Rule {
    const rules: Rule[] = [];
    const push = (rule: Rule): void => {
      if (rule.kind === (keyword === 'AND' ? 'and' : 'or')) rules.push(...(rule as { rules: readonly Rule[] }).rules);
      else rules.push(rule);
    };
    const operand = (): Rule => (keyword === 'OR' ? this.parseChain(depth, 'AND') : this.parseUnary(depth));
    const first = this.peek();
    if (isKeyword(first, keyword)) this.syntax('MISSING_OPERAND', `${keyword} needs a condition before it.`, first);
    push(operand());
    while (isKeyword(this.peek(), keyword)) {
      const joiner = this.advance();
      const next = this.peek();
      if (endsOperand(next)) {
        const span = next.kind === 'end' ? joiner : next;
        this.syntax('MISSING_OPERAND', `${keyword} needs a condition after it.`, span);
      }
      push(operand());
    }
    if (rules.length === 1) return rules[0] as Rule;
    return keyword === 'AND' ? { kind: 'and', rules } : { kind: 'or', rules };
  }

  private enter(depth: number, token: Token): number {
    if (depth + 1 > this.maxDepth) {
      this.syntax('TOO_DEEP', `Parentheses and NOT may be nested at most ${this.maxDepth} deep.`, token);
    }
    return depth + 1;
  }

  private parseUnary(depth: number): Rule {
    const token = this.peek();
    if (isKeyword(token, 'NOT')) {
      const inner = this.enter(depth, token);
      this.advance();
      const next = this.peek();
      if (endsOperand(next)) this.syntax('MISSING_OPERAND', 'NOT needs a condition after it.', next.kind === 'end' ? token : next);
      return { kind: 'not', rule: this.parseUnary(inner) };
    }
    return this.parsePrimary(depth);
  }

  private parsePrimary(depth: number): Rule {
    const token = this.peek();
    if (token.kind === '(') {
      const inner = this.enter(depth, token);
      this.advance();
      if (this.peek().kind === ')') this.syntax('MISSING_OPERAND', 'These parentheses are empty: put a condition inside.', { start: token.start, end: this.peek().end });
      const rule = this.parseOr(inner);
      const close = this.peek();
      if (close.kind === ')') {
        this.advance();
        return rule;
      }
      if (close.kind === 'end') this.syntax('UNCLOSED_PAREN', "This '(' is never closed: add ')'.", token);
      this.unexpected(close, 'UNEXPECTED_TOKEN', `Expected AND, OR or ')' but found ${describe(close)}.`);
    }
    if (token.kind === 'identifier') return this.parseCondition();
    if (token.kind === 'end') this.syntax('MISSING_OPERAND', 'A condition is missing here.', token);
    this.unexpected(token, 'UNEXPECTED_TOKEN', `Expected a field name, such as amount_spent, but found ${describe(token)}.`);
  }

  private parseCondition(): Condition {
    const fieldToken = this.advance() as Token & { kind: 'identifier' };
    const found = lookupField(this.catalogue, fieldToken.name);
    if (found === null) {
      const suggestion = suggest(fieldToken.name, Object.keys(this.catalogue));
      const hint = suggestion === undefined ? '' : ` Did you mean ${suggestion}?`;
      this.report('UNKNOWN_FIELD', `Unknown field '${fieldToken.name}'.${hint}`, fieldToken, suggestion);
    }
    const field = found?.name ?? fieldToken.name;
    const spec = found?.spec ?? null;
    const fieldType: FieldType = spec?.type ?? 'string';
    const base = { field, fieldType };
    const token = this.peek();

    if (token.kind === 'operator') {
      this.advance();
      const value = this.parseValue(`after '${token.operator}'`);
      if (spec !== null && this.allowOperator(token.operator, field, spec, token)) this.checkValue(field, spec, value);
      return { ...base, kind: 'compare', operator: token.operator, value: this.checked(spec, value) };
    }
    if (token.kind === 'keyword') {
      let negated = false;
      const operatorStart = token.start;
      let keywordToken: Token = token;
      if (token.keyword === 'NOT') {
        this.advance();
        negated = true;
        keywordToken = this.peek();
        if (!(keywordToken.kind === 'keyword' && ['IN', 'BETWEEN', 'CONTAINS'].includes(keywordToken.keyword))) {
          this.unexpected(keywordToken, 'UNEXPECTED_TOKEN', `Expected IN, BETWEEN or CONTAINS after ${field} NOT, but found ${describe(keywordToken)}.`);
        }
      }
      const keyword = (keywordToken as Token & { kind: 'keyword' }).keyword;
      const operatorSpan = { start: operatorStart, end: keywordToken.end };
      switch (keyword) {
        case 'IN':
          return this.parseIn(base, spec, negated, operatorSpan);
        case 'BETWEEN':
          return this.parseBetween(base, spec, negated, operatorSpan);
        case 'CONTAINS': {
          this.advance();
          const value = this.parseValue(`after ${negated ? 'NOT ' : ''}CONTAINS`);
          const name = negated ? 'NOT CONTAINS' : 'CONTAINS';
          if (spec !== null && this.allowOperator(name, field, spec, operatorSpan)) this.checkValue(field, spec, value);
          const checked = this.checked(spec, value);
          return { ...base, kind: 'contains', negated, value: checked.type === 'string' ? checked.value : '' };
        }
        case 'IS': {
          this.advance();
          let next = this.peek();
          let isNegated = false;
          if (isKeyword(next, 'NOT')) {
            isNegated = true;
            this.advance();
            next = this.peek();
          }
          if (!isKeyword(next, 'NULL')) this.unexpected(next, 'UNEXPECTED_TOKEN', `Expected NULL or NOT NULL after IS, but found ${describe(next)}.`);
          this.advance();
          return { ...base, kind: 'is-null', negated: isNegated };
        }
        default:
          break;
      }
    }
    if (endsOperand(token)) {
      this.syntax('MISSING_OPERATOR', `${field} needs a comparison after it, such as = 'value', > 10, IN (...), CONTAINS 'value' or IS NULL.`, token.kind === 'end' ? fieldToken : token);
    }
    if (token.kind === 'identifier') {
      const suggestion = suggest(token.name, CONDITION_KEYWORDS);
      const hint = suggestion === undefined ? '' : ` Did you mean ${suggestion}?`;
      this.syntax('UNEXPECTED_TOKEN', `Expected an operator after ${field} but found '${token.name}'.${hint}`, token, suggestion);
    }
    this.unexpected(token, 'MISSING_OPERATOR', `Expected an operator after ${field} (=, !=, >, >=, <, <=, IN, BETWEEN, CONTAINS or IS NULL) but found ${describe(token)}.`);
  }

  private parseIn(base: { field: string; fieldType: FieldType }, spec: FieldSpec | null, negated: boolean, operatorSpan: { start: number; end: number }): Condition {
    const name = negated ? 'NOT IN' : 'IN';
    this.advance();
    const open = this.peek();
    if (open.kind !== '(') this.unexpected(open, 'UNEXPECTED_TOKEN', `${name} needs a list in parentheses, like ${name} ('a', 'b').`);
    this.advance();
    if (this.peek().kind === ')') this.syntax('MISSING_OPERAND', `${name} needs at least one value in its list.`, { start: open.start, end: this.peek().end });
    const values: ValueToken[] = [];
    for (;;) {
      values.push(this.parseValue(`in the ${name} list`));
      const next = this.peek();
      if (next.kind === ',') {
        this.advance();
        continue;
      }
      if (next.kind === ')') {
        this.advance();
        break;
      }
      if (next.kind === 'end') this.syntax('UNCLOSED_PAREN', `This '(' is never closed: add ')' after the last value.`, open);
      this.unexpected(next, 'UNEXPECTED_TOKEN', `Expected ',' or ')' in the ${name} list but found ${describe(next)}.`);
    }
    if (spec !== null && this.allowOperator(name, base.field, spec, operatorSpan)) {
      for (const value of values) this.checkValue(base.field, spec, value);
    }
    return { ...base, kind: 'in', negated, values: values.map((value) => this.checked(spec, value)) };
  }

  private parseBetween(base: { field: string; fieldType: FieldType }, spec: FieldSpec | null, negated: boolean, operatorSpan: { start: number; end: number }): Condition {
    const name = negated ? 'NOT BETWEEN' : 'BETWEEN';
    this.advance();
    const low = this.parseValue(`after ${name}`);
    const and = this.peek();
    if (!isKeyword(and, 'AND')) this.unexpected(and, 'UNEXPECTED_TOKEN', `${name} takes two values joined by AND, like ${name} 100 AND 500.`);
    this.advance();
    const high = this.parseValue(`after ${name} ... AND`);
    if (spec !== null && this.allowOperator(name, base.field, spec, operatorSpan)) {
      const lowOk = this.checkValue(base.field, spec, low);
      const highOk = this.checkValue(base.field, spec, high);
      if (lowOk && highOk) this.checkRange(this.checked(spec, low), this.checked(spec, high), { start: low.start, end: high.end });
    }
    return { ...base, kind: 'between', negated, low: this.checked(spec, low), high: this.checked(spec, high) };
  }

  private parseValue(where: string): ValueToken {
    const token = this.peek();
    const at = (literal: RuleValue): ValueToken => {
      this.advance();
      return { literal, start: token.start, end: token.end };
    };
    switch (token.kind) {
      case 'string':
        return at({ type: 'string', value: token.value });
      case 'number':
        return at({ type: 'number', value: token.value });
      case 'date':
        return at({ type: 'date', value: token.value });
      case 'offset':
        return at({ type: 'relative-date', amount: token.amount, unit: token.unit });
      case 'keyword':
        if (token.keyword === 'TRUE' || token.keyword === 'FALSE') return at({ type: 'boolean', value: token.keyword === 'TRUE' });
        if (token.keyword === 'NULL') this.syntax('UNEXPECTED_TOKEN', 'Nothing equals NULL: write IS NULL or IS NOT NULL instead.', token);
        break;
      case 'identifier':
        // A bare word where a value belongs: most likely text without quotes. Report it and read
        // on as if it were quoted, so later errors are found too.
        this.report('UNQUOTED_TEXT', `Put text between single quotes: '${token.name}'.`, token);
        return at({ type: 'string', value: token.name });
      default:
        break;
    }
    if (endsOperand(token) || token.kind === ',') this.syntax('MISSING_OPERAND', `A value is missing ${where}.`, token);
    this.unexpected(token, 'UNEXPECTED_TOKEN', `Expected a value ${where} but found ${describe(token)}.`);
  }

  private allowOperator(operator: string, field: string, spec: FieldSpec, span: { start: number; end: number }): boolean {
    const hint = operatorProblem(operator, field, spec);
    if (hint === null) return true;
    this.report('OPERATOR_NOT_ALLOWED', hint, span);
    return false;
  }

  /** Reports a value that does not fit the field; true when it fits. */
  private checkValue(field: string, spec: FieldSpec, value: ValueToken): boolean {
    const problem = valueProblem(field, spec, value.literal);
    if (problem === null) return true;
    this.report(problem.code, problem.message, value, problem.suggestion);
    return false;
  }

  private checked(spec: FieldSpec | null, value: ValueToken): RuleValue {
    return spec === null ? value.literal : normaliseValue(spec, value.literal);
  }

  private checkRange(low: RuleValue, high: RuleValue, span: { start: number; end: number }): void {
    if (isEmptyRange(low, high)) this.report('EMPTY_RANGE', 'The first value of BETWEEN must not be above the second: swap them.', span);
  }
}
