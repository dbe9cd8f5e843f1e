// Turns rule text into tokens. Never throws: a character it cannot read becomes an `invalid`
// token carrying the error, and lexing stops there.
import type { ComparisonOperator, DateUnit, RuleErrorCode } from './rule.ts';

export const KEYWORDS: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'CONTAINS', 'IS', 'NULL', 'TRUE', 'FALSE']);

interface Span {
  readonly start: number;
  readonly end: number;
}

export type Token = Span &
  (
    | { readonly kind: 'identifier'; readonly name: string }
    | { readonly kind: 'keyword'; readonly keyword: string }
    | { readonly kind: 'string'; readonly value: string }
    | { readonly kind: 'number'; readonly value: number }
    | { readonly kind: 'date'; readonly value: string }
    | { readonly kind: 'offset'; readonly amount: number; readonly unit: DateUnit }
    | { readonly kind: 'operator'; readonly operator: ComparisonOperator }
    | { readonly kind: '(' | ')' | ',' | 'end' }
    | { readonly kind: 'invalid'; readonly code: RuleErrorCode; readonly message: string }
  );

/** Largest magnitude of a relative date amount (100,000 days is some 270 years). */
const MAX_OFFSET = 100_000;

const UNIT_NAMES: Readonly<Record<string, string>> = { d: 'days', w: 'weeks', m: 'months', y: 'years' };

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const WHITESPACE = /\s/;

/** Tokens of `text`, ending with an `end` token, or with an `invalid` one at the first unreadable character. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const c = text.charCodeAt(i);
    if (WHITESPACE.test(ch)) {
      i += 1;
      continue;
    }
    const token = readToken(text, i, c);
    tokens.push(token);
    if (token.kind === 'invalid') return tokens;
    i = token.end;
  }
  tokens.push({ kind: 'end', start: text.length, end: text.length });
  return tokens;
}

function invalid(start: number, end: number, code: RuleErrorCode, message: string): Token {
  return { kind: 'invalid', start, end, code, message };
}

function readToken(text: string, i: number, c: number): Token {
  const next = text.charCodeAt(i + 1);
  switch (text[i]) {
    case '(':
    case ')':
    case ',':
      return { kind: text[i] as '(' | ')' | ',', start: i, end: i + 1 };
    case '=':
      if (text[i + 1] === '=') return invalid(i, i + 2, 'UNEXPECTED_CHARACTER', "Write a single = to compare, not ==.");
      return { kind: 'operator', operator: '=', start: i, end: i + 1 };
    case '!':
      if (text[i + 1] === '=') return { kind: 'operator', operator: '!=', start: i, end: i + 2 };
      return invalid(i, i + 1, 'UNEXPECTED_CHARACTER', "Unexpected '!': write != for 'not equal', or NOT before a condition.");
    case '<':
      if (text[i + 1] === '=') return { kind: 'operator', operator: '<=', start: i, end: i + 2 };
      if (text[i + 1] === '>') return { kind: 'operator', operator: '!=', start: i, end: i + 2 };
      return { kind: 'operator', operator: '<', start: i, end: i + 1 };
    case '>':
      if (text[i + 1] === '=') return { kind: 'operator', operator: '>=', start: i, end: i + 2 };
      return { kind: 'operator', operator: '>', start: i, end: i + 1 };
    case "'":
      return readString(text, i);
    case '"':
    case '\u2018':
    case '\u2019':
    case '\u201c':
    case '\u201d':
      return invalid(i, i + 1, 'UNEXPECTED_CHARACTER', "Put text between straight single quotes, like 'Kitchen'.");
    case '&':
      return invalid(i, text[i + 1] === '&' ? i + 2 : i + 1, 'UNEXPECTED_CHARACTER', 'Write AND to combine conditions.');
    case '|':
      return invalid(i, text[i + 1] === '|' ? i + 2 : i + 1, 'UNEXPECTED_CHARACTER', 'Write OR to combine conditions.');
    case '.':
      if (isDigit(next)) return invalid(i, i + 1, 'INVALID_NUMBER', 'Write a digit before the decimal point, like 0.5.');
      break;
    case '-':
    case '+':
      if (isDigit(next)) return readNumberLike(text, i);
      break;
    default:
      if (isDigit(c)) return readNumberLike(text, i);
      if (isIdentStart(c)) return readWord(text, i);
  }
  const width = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  const shown = text.slice(i, i + width);
  return invalid(i, i + width, 'UNEXPECTED_CHARACTER', `Unexpected character '${shown}'.`);
}

function readWord(text: string, start: number): Token {
  let end = start + 1;
  while (end < text.length && isIdentPart(text.charCodeAt(end))) end += 1;
  const word = text.slice(start, end);
  const upper = word.toUpperCase();
  if (KEYWORDS.has(upper)) return { kind: 'keyword', keyword: upper, start, end };
  return { kind: 'identifier', name: word, start, end };
}

const NUMBER = /[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const DATE = /\d{4}-\d{2}-\d{2}/y;
const DATE_LIKE = /[\d-]+/y;
const OFFSET = /^([+-])(\d+)([dwmy])$/i;
const OFFSET_LIKE = /^[+-]?\d+(?:\.\d+)?[dwmy]$/i;

function readNumberLike(text: string, start: number): Token {
  // A calendar date: 2024-05-30 (and anything shaped like a broken one: 2024-5-3).
  if (isDigit(text.charCodeAt(start))) {
    DATE_LIKE.lastIndex = start;
    const dateLike = DATE_LIKE.exec(text)?.[0] ?? '';
    if (dateLike.includes('-')) {
      DATE.lastIndex = start;
      const date = DATE.exec(text)?.[0];
      const end = start + dateLike.length;
      if (date !== undefined && date.length === dateLike.length && !isIdentPart(text.charCodeAt(end))) {
        if (isCalendarDate(date)) return { kind: 'date', value: date, start, end };
        return invalid(start, end, 'INVALID_DATE', `${date} is not a day of the calendar.`);
      }
      return invalid(start, wordEnd(text, end), 'INVALID_DATE', 'Write dates as YYYY-MM-DD, like 2024-05-30.');
    }
  }
  NUMBER.lastIndex = start;
  const numberText = NUMBER.exec(text)?.[0] ?? '';
  const numberEnd = start + numberText.length;
  if (isIdentPart(text.charCodeAt(numberEnd)) || text[numberEnd] === '.') {
    // Letters straight after a number: a relative date (-30d), or a mistake.
    const end = wordEnd(text, numberEnd);
    const word = text.slice(start, end);
    const offset = OFFSET.exec(word);
    if (offset !== null) {
      const amount = Number(offset[2]) * (offset[1] === '-' ? -1 : 1);
      if (Math.abs(amount) > MAX_OFFSET) {
        return invalid(start, end, 'INVALID_DATE_OFFSET', 'A relative date reaches at most 100000 units.');
      }
      return { kind: 'offset', amount: amount === 0 ? 0 : amount, unit: (offset[3] as string).toLowerCase() as DateUnit, start, end };
    }
    if (OFFSET_LIKE.test(word)) {
      const unit = word.slice(-1).toLowerCase();
      const unitName = UNIT_NAMES[unit] ?? 'days';
      const hint = /^[+-]/.test(word) ? `a whole number, like -30${unit}` : `a sign: -30${unit} for 30 ${unitName} ago, +30${unit} for 30 ${unitName} ahead`;
      return invalid(start, end, 'INVALID_DATE_OFFSET', `A relative date needs ${hint}.`);
    }
    const hint = /[a-z_]/i.test(word) ? '; relative dates are written like -30d, -12w, -6m or -1y' : '';
    return invalid(start, end, 'INVALID_NUMBER', `'${word}' is not a number${hint}.`);
  }
  const value = Number(numberText);
  if (!Number.isFinite(value)) return invalid(start, numberEnd, 'INVALID_NUMBER', `${numberText} is too large a number.`);
  return { kind: 'number', value: value === 0 ? 0 : value, start, end: numberEnd };
}

function wordEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && (isIdentPart(text.charCodeAt(end)) || text[end] === '.' || text[end] === '-')) end += 1;
  return end;
}

function readString(text: string, start: number): Token {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === "'") return { kind: 'string', value, start, end: i + 1 };
    if (ch === '\\') {
      const escape = text[i + 1];
      const simple = escape === undefined ? undefined : SIMPLE_ESCAPES[escape];
      if (simple !== undefined) {
        value += simple;
        i += 2;
        continue;
      }
      if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      if (escape === undefined) break;
      return invalid(i, i + 2, 'INVALID_ESCAPE', "Unknown escape: inside quotes write \\' for a quote, \\\\ for a backslash, \\n for a new line.");
    }
    value += ch;
    i += 1;
  }
  return invalid(start, text.length, 'UNTERMINATED_STRING', "This text has no closing quote: add ' at its end.");
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { "'": "'", '\\': '\\', n: '\n', t: '\t', r: '\r' };

/** Days in each month of a non-leap year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/** True for `YYYY-MM-DD` naming a real day (year 0001 to 9999). */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}
