// The ShopifyQL subset that native segments use here: `customer_tags CONTAINS 'x'` (and
// NOT CONTAINS), `email_subscription_status = 'SUBSCRIBED'`, `customer_email_domain = 'x.com'`,
// `number_of_orders > 2`, `amount_spent >= 100`, joined with AND / OR / NOT and parentheses.

export interface SegmentSubject {
  tags: readonly string[];
  marketingState: string;
  email: string | null;
  numberOfOrders(): number;
  amountSpent(): number;
}

export type SegmentExpr =
  | { kind: 'and' | 'or'; left: SegmentExpr; right: SegmentExpr }
  | { kind: 'not'; operand: SegmentExpr }
  | { kind: 'condition'; test: (subject: SegmentSubject) => boolean };

export class SegmentQueryError extends Error {}

interface Token {
  kind: 'ident' | 'string' | 'number' | 'op' | 'lparen' | 'rparen';
  text: string;
  column: number;
}

function fail(column: number, message: string): never {
  throw new SegmentQueryError(`Query Line 1 Column ${column}: ${message}`);
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'lparen' : 'rparen', text: ch, column: i });
      i++;
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < query.length && query[j] !== ch) {
        if (query[j] === '\\' && j + 1 < query.length) j++;
        text += query[j];
        j++;
      }
      if (j >= query.length) fail(i, 'unterminated string literal.');
      tokens.push({ kind: 'string', text, column: i });
      i = j + 1;
    } else if (/[0-9.]/.test(ch)) {
      const match = /^\d+(\.\d+)?/.exec(query.slice(i));
      if (!match) fail(i, `unexpected character '${ch}'.`);
      tokens.push({ kind: 'number', text: match[0], column: i });
      i += match[0].length;
    } else if (/[!=<>]/.test(ch)) {
      const match = /^(!=|>=|<=|=|>|<)/.exec(query.slice(i));
      if (!match) fail(i, `unexpected character '${ch}'.`);
      tokens.push({ kind: 'op', text: match[0], column: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i));
      const text = match?.[0] ?? ch;
      tokens.push({ kind: 'ident', text, column: i });
      i += text.length;
    } else {
      fail(i, `unexpected character '${ch}'.`);
    }
  }
  return tokens;
}

type Comparison = '=' | '!=' | '>' | '>=' | '<' | '<=';

function compareNumbers(actual: number, op: Comparison, expected: number): boolean {
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    default:
      return actual <= expected;
  }
}

class Parser {
  private position = 0;
  private readonly tokens: Token[];
  private readonly length: number;

  constructor(query: string) {
    this.tokens = tokenize(query);
    this.length = query.length;
  }

  parse(): SegmentExpr {
    if (this.tokens.length === 0) fail(0, 'the query is empty.');
    const expr = this.parseOr();
    const extra = this.peek();
    if (extra) fail(extra.column, `unexpected '${extra.text}'.`);
    return expr;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(what: string): Token {
    const token = this.tokens[this.position++];
    if (!token) fail(this.length, `expected ${what} but the query ended.`);
    return token;
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token?.kind === 'ident' && token.text.toUpperCase() === word) {
      this.position++;
      return true;
    }
    return false;
  }

  private parseOr(): SegmentExpr {
    let left = this.parseAnd();
    while (this.keyword('OR')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): SegmentExpr {
    let left = this.parseUnary();
    while (this.keyword('AND')) left = { kind: 'and', left, right: this.parseUnary() };
    return left;
  }

  private parseUnary(): SegmentExpr {
    if (this.keyword('NOT')) return { kind: 'not', operand: this.parseUnary() };
    const token = this.peek();
    if (token?.kind === 'lparen') {
      this.position++;
      const inner = this.parseOr();
      const close = this.next("')'");
      if (close.kind !== 'rparen') fail(close.column, `expected ')' but found '${close.text}'.`);
      return inner;
    }
    return this.parseCondition();
  }

  private stringValue(): string {
    const token = this.next('a value');
    if (token.kind !== 'string') fail(token.column, `expected a quoted value but found '${token.text}'.`);
    return token.text;
  }

  private comparison(allowed: readonly Comparison[]): Comparison {
    const token = this.next('an operator');
    if (token.kind !== 'op' || !allowed.includes(token.text as Comparison)) fail(token.column, `operator '${token.text}' is not valid here.`);
    return token.text as Comparison;
  }

  private parseCondition(): SegmentExpr {
    const token = this.next('a filter');
    if (token.kind !== 'ident') fail(token.column, `expected a filter but found '${token.text}'.`);
    const filter = token.text.toLowerCase();
    switch (filter) {
      case 'customer_tags': {
        const negated = this.keyword('NOT');
        if (!this.keyword('CONTAINS')) fail(this.peek()?.column ?? this.length, "customer_tags expects CONTAINS or NOT CONTAINS.");
        const tag = this.stringValue().toLowerCase();
        const test = (s: SegmentSubject): boolean => s.tags.some((t) => t.toLowerCase() === tag);
        return { kind: 'condition', test: negated ? (s) => !test(s) : test };
      }
      case 'email_subscription_status': {
        const op = this.comparison(['=', '!=']);
        const value = this.stringValue().toUpperCase();
        return { kind: 'condition', test: (s) => (s.marketingState === value) === (op === '=') };
      }
      case 'customer_email_domain': {
        const op = this.comparison(['=', '!=']);
        const domain = this.stringValue().toLowerCase();
        return { kind: 'condition', test: (s) => ((s.email ?? '').toLowerCase().endsWith(`@${domain}`)) === (op === '=') };
      }
      case 'number_of_orders':
      case 'amount_spent': {
        const op = this.comparison(['=', '!=', '>', '>=', '<', '<=']);
        const value = this.next('a number');
        if (value.kind !== 'number') fail(value.column, `expected a number but found '${value.text}'.`);
        const expected = Number(value.text);
        const read = filter === 'number_of_orders' ? (s: SegmentSubject) => s.numberOfOrders() : (s: SegmentSubject) => s.amountSpent();
        return { kind: 'condition', test: (s) => compareNumbers(read(s), op, expected) };
      }
      default:
        return fail(token.column, `'${token.text}' filter cannot be found.`);
    }
  }
}

/** Parses a segment query; throws SegmentQueryError with a Shopify-like message. */
export function parseSegmentQuery(query: string): SegmentExpr {
  return new Parser(query).parse();
}

export function evaluateSegment(expr: SegmentExpr, subject: SegmentSubject): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluateSegment(expr.left, subject) && evaluateSegment(expr.right, subject);
    case 'or':
      return evaluateSegment(expr.left, subject) || evaluateSegment(expr.right, subject);
    case 'not':
      return !evaluateSegment(expr.operand, subject);
    default:
      return expr.test(subject);
  }
}
