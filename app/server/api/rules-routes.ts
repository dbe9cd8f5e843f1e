// Rule segments: list them, preview a rule's live size before saving, save one (nothing stored
// when the rule does not parse), delete one. The next sync writes them back.
import { DEFAULT_CATALOGUE, parseRule, type Catalogue, type RuleError } from '../../../core/rules/index.ts';
import { ruleSegmentKey } from '../../../core/segments/segment-definitions.ts';
import { ruleSize } from '../../analysis/live-segments.ts';
import type { RuleSegment } from '../../store/store.ts';
import { ApiHttpError, notFound } from './api-errors.ts';
import { defineRoute, ok } from './api-route.ts';
import {
  ApiErrorSchema, DeletedResponseSchema, RuleKeyParams, RulePreviewRequest, RulePreviewResponseSchema, RuleProblemsErrorSchema,
  RuleSaveRequest, RuleViewSchema, RulesResponseSchema,
} from './api-schemas.ts';
import type { ApiContext } from './api-route.ts';
import type { RulePreviewResponse, RuleProblem, RuleSaveErrorResponse, RuleSegmentView, RulesResponse } from './api-types.ts';
import { memberRefs } from './member-ref.ts';
import { liveSegments, requireSettings } from './shop-data.ts';

const TYPE_WORDS: Record<string, string> = { number: 'number', string: 'text', boolean: 'true / false', date: 'date', 'string-list': 'list of text' };

const FIELDS: RulesResponse['fields'] = Object.entries(DEFAULT_CATALOGUE as Catalogue).map(([name, spec]) => ({
  name,
  type: spec.values ? `${TYPE_WORDS[spec.type] ?? spec.type}, one of ${spec.values.join(', ')}` : (TYPE_WORDS[spec.type] ?? spec.type),
  description: spec.description ?? '',
}));

function problemsOf(errors: readonly RuleError[]): RuleProblem[] {
  return errors.map((e) => ({ line: e.position.line, column: e.position.column, message: e.message, suggestion: e.suggestion ?? null }));
}

async function sizesAtLastRun(ctx: ApiContext<unknown, unknown, unknown>): Promise<Map<string, number>> {
  return new Map((await ctx.services.store.listSegmentSnapshot(ctx.shopId)).map((s) => [s.definition.key, s.size]));
}

function view(rule: RuleSegment, sizes: Map<string, number>): RuleSegmentView {
  return { key: rule.key, name: rule.name, rule: rule.rule, createdAt: rule.createdAt, updatedAt: rule.updatedAt, size: sizes.get(ruleSegmentKey(rule.key)) ?? null };
}

export const rulesRoutes = [
  defineRoute({
    method: 'get',
    path: '/rules',
    operationId: 'listRules',
    summary: 'Rule segments of the shop and the fields the rule language knows',
    tag: 'rules',
    responses: { 200: { description: 'The rules', schema: RulesResponseSchema }, 404: { description: 'Unknown shop', schema: ApiErrorSchema } },
    async handle(ctx) {
      await requireSettings(ctx.services, ctx.shopId);
      const sizes = await sizesAtLastRun(ctx);
      const body: RulesResponse = { rules: (await ctx.services.store.listRuleSegments(ctx.shopId)).map((r) => view(r, sizes)), fields: FIELDS };
      return ok(body);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/rules/preview',
    operationId: 'previewRule',
    summary: "A rule's live size on the current data, or the parser's problems",
    tag: 'rules',
    body: RulePreviewRequest,
    responses: {
      200: { description: 'The size, or the problems (ok: false)', schema: RulePreviewResponseSchema },
      422: { description: 'Not a preview request', schema: ApiErrorSchema },
    },
    async handle({ shopId, body, services }) {
      await requireSettings(services, shopId);
      const parsed = parseRule(body.rule, DEFAULT_CATALOGUE);
      if (!parsed.ok) return ok({ ok: false, problems: problemsOf(parsed.errors) } satisfies RulePreviewResponse);
      const { size, share, samplePersonIds } = ruleSize(await liveSegments(services, shopId), parsed.rule);
      const refOf = await memberRefs(services, shopId);
      return ok({ ok: true, size, share, sampleMemberRefs: samplePersonIds.map(refOf) } satisfies RulePreviewResponse);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/rules/:key',
    operationId: 'saveRule',
    summary: 'Create or replace a rule segment (nothing stored when the rule does not parse)',
    tag: 'rules',
    params: RuleKeyParams,
    body: RuleSaveRequest,
    responses: {
      200: { description: 'The saved rule', schema: RuleViewSchema },
      400: { description: 'Not a rule key', schema: ApiErrorSchema },
      422: { description: 'The name or rule is not acceptable; `problems` lists the parser errors', schema: RuleProblemsErrorSchema },
    },
    async handle(ctx) {
      const { shopId, params, body, services } = ctx;
      await requireSettings(services, shopId);
      const text = body.rule.trim();
      const parsed = parseRule(text, DEFAULT_CATALOGUE);
      if (!parsed.ok) {
        const problems = problemsOf(parsed.errors);
        const body: RuleSaveErrorResponse = {
          error: {
            code: 'VALIDATION',
            message: `the rule does not parse (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing saved`,
            issues: problems.map((p) => ({ path: 'rule', message: `line ${p.line}, column ${p.column}: ${p.message}` })),
          },
          problems,
        };
        return { status: 422, body };
      }
      const now = services.now().toISOString();
      await services.store.saveRuleSegment(shopId, { key: params.key, name: body.name.trim(), rule: text, createdAt: now, updatedAt: now });
      services.cache.forgetShop(shopId);
      const saved = (await services.store.listRuleSegments(shopId)).find((r) => r.key === params.key);
      if (!saved) throw new ApiHttpError(500, 'INTERNAL', 'internal error');
      return ok(view(saved, await sizesAtLastRun(ctx)));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/rules/:key',
    operationId: 'deleteRule',
    summary: 'Delete a rule segment (the next sync takes its tags and list members away)',
    tag: 'rules',
    params: RuleKeyParams,
    responses: {
      200: { description: 'Deleted', schema: DeletedResponseSchema },
      400: { description: 'Not a rule key', schema: ApiErrorSchema },
      404: { description: 'No such rule', schema: ApiErrorSchema },
    },
    async handle({ shopId, params, services }) {
      await requireSettings(services, shopId);
      if (!(await services.store.deleteRuleSegment(shopId, params.key))) throw notFound(`no rule segment "${params.key}" in ${shopId}`);
      services.cache.forgetShop(shopId);
      return ok({ deleted: params.key });
    },
  }),
];
