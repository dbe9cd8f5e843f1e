// `refinery rules list|add|remove|check`: rule segments written in the rule language
// (core/rules/README.md), stored per shop and applied at every sync.
import { RefineryError } from '../../../core/errors.ts';
import { DEFAULT_CATALOGUE, formatRule, parseRule, type RuleError } from '../../../core/rules/index.ts';
import { ruleSegmentKey } from '../../../core/segments/segment-definitions.ts';
import { MAX_RULE_NAME_LENGTH, ruleKeyProblem } from '../../../core/segments/rule-segment-input.ts';
import type { CliContext } from '../context.ts';
import { resolveShop } from '../context.ts';
import { table } from '../format.ts';

const USAGE = 'usage: refinery rules [list] | rules add KEY --name NAME --rule RULE | rules remove KEY | rules check --rule RULE  (each with [--shop S] [--json])';

/** The rule text with a caret line under each error, for a terminal. */
export function showRuleErrors(text: string, errors: readonly RuleError[]): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (const e of errors) {
    const line = lines[e.position.line - 1] ?? '';
    out.push(`line ${e.position.line}, column ${e.position.column}: ${e.message}${e.suggestion ? ` (did you mean ${e.suggestion}?)` : ''}`);
    out.push(`  ${line}`);
    out.push(`  ${' '.repeat(Math.max(0, e.position.column - 1))}${'^'.repeat(Math.max(1, Math.min(e.length, line.length - e.position.column + 1)))}`);
  }
  return out.join('\n');
}

function checkKey(key: string | undefined): string {
  if (key === undefined) throw new RefineryError('INPUT', `a rule segment needs a KEY\n${USAGE}`);
  const problem = ruleKeyProblem(key);
  if (problem !== null) throw new RefineryError('INPUT', problem);
  return key;
}

function parseOrThrow(ctx: CliContext, text: string | undefined, json: boolean): string {
  if (text === undefined || text.trim() === '') throw new RefineryError('INPUT', `--rule RULE is required\n${USAGE}`);
  const parsed = parseRule(text, DEFAULT_CATALOGUE);
  if (!parsed.ok) {
    if (json) ctx.out(JSON.stringify({ ok: false, errors: parsed.errors }, null, 2));
    else ctx.err(showRuleErrors(text, parsed.errors));
    throw new RefineryError('INPUT', `the rule does not parse (${parsed.errors.length} error${parsed.errors.length === 1 ? '' : 's'})`);
  }
  return formatRule(parsed.rule);
}

export async function rulesCommand(ctx: CliContext, positionals: string[], flags: { shop?: string; json?: boolean; name?: string; rule?: string }): Promise<number> {
  const [action = 'list', key, ...rest] = positionals;
  if (rest.length > 0 || !['list', 'add', 'remove', 'check'].includes(action)) throw new RefineryError('INPUT', USAGE);
  const json = flags.json ?? false;
  if (action === 'check') {
    const canonical = parseOrThrow(ctx, flags.rule, json);
    ctx.out(json ? JSON.stringify({ ok: true, rule: canonical }, null, 2) : `the rule parses: ${canonical}`);
    return 0;
  }
  const shopId = await resolveShop(ctx, flags.shop);
  if (action === 'list') {
    if (key !== undefined) throw new RefineryError('INPUT', USAGE);
    const rules = await ctx.store.listRuleSegments(shopId);
    if (json) ctx.out(JSON.stringify(rules.map((r) => ({ ...r, segmentKey: ruleSegmentKey(r.key) })), null, 2));
    else if (rules.length === 0) ctx.out(`no rule segments for ${shopId}: add one with \`refinery rules add KEY --name NAME --rule RULE\``);
    else ctx.out(table(['key', 'name', 'rule', 'updated'], rules.map((r) => [r.key, r.name, r.rule, r.updatedAt])));
    return 0;
  }
  const ruleKey = checkKey(key);
  if (action === 'remove') {
    const existed = await ctx.store.deleteRuleSegment(shopId, ruleKey);
    if (!existed) throw new RefineryError('NOT_FOUND', `no rule segment "${ruleKey}" in ${shopId}`);
    ctx.out(json ? JSON.stringify({ removed: ruleKey }) : `removed rule segment ${ruleKey}; the next sync takes its tags and list members away`);
    return 0;
  }
  const name = flags.name?.trim();
  if (!name || name.length > MAX_RULE_NAME_LENGTH) throw new RefineryError('INPUT', `--name NAME is required, at most ${MAX_RULE_NAME_LENGTH} characters`);
  const canonical = parseOrThrow(ctx, flags.rule, json);
  const text = (flags.rule ?? '').trim();
  const now = new Date().toISOString();
  await ctx.store.saveRuleSegment(shopId, { key: ruleKey, name, rule: text, createdAt: now, updatedAt: now });
  ctx.out(json ? JSON.stringify({ saved: { key: ruleKey, segmentKey: ruleSegmentKey(ruleKey), name, rule: canonical } }, null, 2) : `saved rule segment ${ruleKey} (${name}): ${canonical}\nthe next sync writes it as the tag and list "${ruleSegmentKey(ruleKey)}"`);
  return 0;
}
