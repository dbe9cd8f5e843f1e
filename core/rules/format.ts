// formatRule: a rule's canonical text. Keywords upper case, one space around operators, text in
// single quotes, enum values in the catalogue's spelling, and parentheses wherever AND and OR
// meet (even where precedence would not need them), so a reader never has to know precedence.
// parseRule(formatRule(rule)) gives back an equal rule.
import type { Rule, RuleValue } from './rule.ts';

export function formatRule(rule: Rule): string {
  switch (rule.kind) {
    case 'and':
    case 'or':
      return rule.rules.map((child) => (child.kind === 'and' || child.kind === 'or' ? `(${formatRule(child)})` : formatRule(child))).join(rule.kind === 'and' ? ' AND ' : ' OR ');
    case 'not':
      return rule.rule.kind === 'and' || rule.rule.kind === 'or' ? `NOT (${formatRule(rule.rule)})` : `NOT ${formatRule(rule.rule)}`;
    case 'compare':
      return `${rule.field} ${rule.operator} ${formatValue(rule.value)}`;
    case 'in':
      return `${rule.field} ${rule.negated ? 'NOT IN' : 'IN'} (${rule.values.map(formatValue).join(', ')})`;
    case 'between':
      return `${rule.field} ${rule.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${formatValue(rule.low)} AND ${formatValue(rule.high)}`;
    case 'contains':
      return `${rule.field} ${rule.negated ? 'NOT CONTAINS' : 'CONTAINS'} ${quote(rule.value)}`;
    case 'is-null':
      return `${rule.field} ${rule.negated ? 'IS NOT NULL' : 'IS NULL'}`;
  }
}

export function formatValue(value: RuleValue): string {
  switch (value.type) {
    case 'number':
      return String(value.value);
    case 'string':
      return quote(value.value);
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'date':
      return value.value;
    case 'relative-date':
      return `${value.amount < 0 ? '-' : '+'}${Math.abs(value.amount)}${value.unit}`;
  }
}

/** Text in single quotes; quote, backslash and control characters escaped. */
export function quote(text: string): string {
  let out = "'";
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    const code = text.charCodeAt(i);
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}
