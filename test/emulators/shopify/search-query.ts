// Shopify API search syntax (the `query` argument of connections): `field:value`, comparators
// (`:>`, `:>=`, `:<`, `:<=`), quoted values, implicit AND, `AND`, `OR`, `NOT` / `-field:value`.
// Unsupported fields are ignored with a warning, as Shopify does.

export type Comparator = ':' | '>' | '>=' | '<' | '<=';

export interface SearchTerm {
  field: string | null;
  comparator: Comparator;
  value: string;
  negated: boolean;
}

export interface SearchWarning {
  field: string;
  message: string;
}

/** Returns a predicate for the term, or a warning message when the term cannot be used. */
export type TermCompiler<T> = (term: SearchTerm) => ((item: T) => boolean) | string;

type Token = { kind: 'term'; term: SearchTerm } | { kind: 'and' } | { kind: 'or' } | { kind: 'not' };

function readValue(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  if (quote === "'" || quote === '"') {
    let end = start + 1;
    let value = '';
    while (end < text.length && text[end] !== quote) {
      if (text[end] === '\\' && end + 1 < text.length) end++;
      value += text[end];
      end++;
    }
    return { value, end: end + 1 };
  }
  let end = start;
  while (end < text.length && !/[\s()]/.test(text[end] ?? ' ')) end++;
  return { value: text.slice(start, end), end };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch) || ch === '(' || ch === ')') {
      i++;
      continue;
    }
    let negated = false;
    if (ch === '-' && i + 1 < text.length && !/\s/.test(text[i + 1] ?? ' ')) {
      negated = true;
      i++;
    }
    const fieldMatch = /^([A-Za-z_][A-Za-z0-9_.]*):/.exec(text.slice(i));
    if (fieldMatch && fieldMatch[1] !== undefined) {
      i += fieldMatch[0].length;
      let comparator: Comparator = ':';
      const comp = /^(>=|<=|>|<)/.exec(text.slice(i));
      if (comp && comp[1] !== undefined) {
        comparator = comp[1] as Comparator;
        i += comp[1].length;
      }
      const { value, end } = readValue(text, i);
      i = end;
      tokens.push({ kind: 'term', term: { field: fieldMatch[1].toLowerCase(), comparator, value, negated } });
      continue;
    }
    const { value, end } = readValue(text, i);
    i = Math.max(end, i + 1);
    if (!negated && value === 'AND') tokens.push({ kind: 'and' });
    else if (!negated && value === 'OR') tokens.push({ kind: 'or' });
    else if (!negated && value === 'NOT') tokens.push({ kind: 'not' });
    else if (value !== '') tokens.push({ kind: 'term', term: { field: null, comparator: ':', value, negated } });
  }
  return tokens;
}

/** Parses into OR-groups of AND-ed terms (parentheses are not honoured). */
export function parseSearch(text: string): SearchTerm[][] {
  const groups: SearchTerm[][] = [[]];
  let negateNext = false;
  for (const token of tokenize(text)) {
    if (token.kind === 'or') groups.push([]);
    else if (token.kind === 'not') negateNext = true;
    else if (token.kind === 'term') {
      const term = negateNext ? { ...token.term, negated: !token.term.negated } : token.term;
      negateNext = false;
      groups[groups.length - 1]?.push(term);
    }
  }
  return groups.filter((group) => group.length > 0);
}

export interface CompiledSearch<T> {
  predicate: ((item: T) => boolean) | null;
  warnings: SearchWarning[];
}

export function compileSearch<T>(text: string | null | undefined, fields: Record<string, TermCompiler<T>>): CompiledSearch<T> {
  const warnings: SearchWarning[] = [];
  if (text == null || text.trim() === '') return { predicate: null, warnings };
  const groups: ((item: T) => boolean)[][] = [];
  for (const group of parseSearch(text)) {
    const predicates: ((item: T) => boolean)[] = [];
    for (const term of group) {
      const compiler = term.field === null ? undefined : fields[term.field];
      if (!compiler) {
        warnings.push({ field: term.field ?? 'default', message: term.field === null ? 'Free-text search is not supported by the emulator; the term was ignored.' : 'Invalid search field for this query.' });
        continue;
      }
      const compiled = compiler(term);
      if (typeof compiled === 'string') {
        warnings.push({ field: term.field ?? 'default', message: compiled });
        continue;
      }
      predicates.push(term.negated ? (item: T) => !compiled(item) : compiled);
    }
    groups.push(predicates);
  }
  // A group whose terms were all ignored matches everything, as Shopify ignores such terms.
  if (groups.some((group) => group.length === 0)) return { predicate: null, warnings };
  const predicate = (item: T): boolean => groups.some((group) => group.every((p) => p(item)));
  return { predicate, warnings };
}

function compare(actual: number, comparator: Comparator, expected: number): boolean {
  switch (comparator) {
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    default:
      return actual === expected;
  }
}

const DAY_MS = 86_400_000;

/** A timestamp term over epoch milliseconds; `field:2024-01-01` matches that whole (UTC) day. */
export function dateTerm<T>(get: (item: T) => number): TermCompiler<T> {
  return (term) => {
    const value = term.value;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) return `Invalid date value: ${value}`;
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
    if (term.comparator === ':' && dateOnly) return (item) => get(item) >= ms && get(item) < ms + DAY_MS;
    return (item) => compare(get(item), term.comparator, ms);
  };
}

export function numberTerm<T>(get: (item: T) => number): TermCompiler<T> {
  return (term) => {
    const match = /(\d+)$/.exec(term.value);
    if (!match || match[1] === undefined) return `Invalid numeric value: ${term.value}`;
    const expected = Number(match[1]);
    return (item) => compare(get(item), term.comparator, expected);
  };
}

/** Case-insensitive equality on a string value. */
export function exactTerm<T>(get: (item: T) => string | null): TermCompiler<T> {
  return (term) => {
    if (term.comparator !== ':') return `Comparator ${term.comparator} is not supported for this field`;
    const expected = term.value.toLowerCase();
    if (expected === '*') return (item) => get(item) != null;
    return (item) => (get(item) ?? '').toLowerCase() === expected;
  };
}
