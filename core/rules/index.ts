// The rule language: parse marketers' segment rules, evaluate them on customer records, and
// print them back in canonical form. See README.md.
import { RefineryError } from '../errors.ts';
import type { Rule, RuleError } from './rule.ts';

export { DEFAULT_CATALOGUE, defineCatalogue, lookupField, type Catalogue, type FieldSpec } from './catalogue.ts';
export { compileRule, evaluateRule, type EvaluateOptions, type Predicate, type RuleRecord } from './evaluate.ts';
export { formatRule, formatValue } from './format.ts';
export { parseRule } from './parse.ts';
export {
  DEFAULT_RULE_LIMITS,
  RULE_ERROR_CODES,
  positionAt,
  type ComparisonOperator,
  type Condition,
  type DateUnit,
  type FieldType,
  type ParseResult,
  type Rule,
  type RuleError,
  type RuleErrorCode,
  type RuleLimits,
  type RulePosition,
  type RuleValue,
} from './rule.ts';

/** The fields a rule reads, in order of first mention (to know which features to compute). */
export function referencedFields(rule: Rule): string[] {
  const fields = new Set<string>();
  const visit = (node: Rule): void => {
    if (node.kind === 'and' || node.kind === 'or') node.rules.forEach(visit);
    else if (node.kind === 'not') visit(node.rule);
    else fields.add(node.field);
  };
  visit(rule);
  return [...fields];
}

/** For a boundary that must throw (an API handler): the rule errors as one VALIDATION error. */
export function ruleErrorsToRefineryError(errors: readonly RuleError[]): RefineryError {
  const first = errors[0];
  const where = first === undefined ? '' : ` (line ${first.position.line}, column ${first.position.column})`;
  const message = first === undefined ? 'invalid rule' : `invalid rule: ${first.message}${where}${errors.length > 1 ? ` and ${errors.length - 1} more` : ''}`;
  return new RefineryError('VALIDATION', message, { details: { ruleErrors: errors } });
}
