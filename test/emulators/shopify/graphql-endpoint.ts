// One Admin GraphQL request: parse, validate against the real schema, price it, take the points
// from the shop's bucket (or answer THROTTLED), execute, refund the unused points, and answer
// with Shopify's extensions.cost.
import { GraphQLError, Kind, execute, getOperationAST, getVariableValues, parse, validate } from 'graphql';
import type { DocumentNode, OperationDefinitionNode, GraphQLFieldResolver, GraphQLObjectType, GraphQLSchema, GraphQLTypeResolver } from 'graphql';
import { createContext } from './context.ts';
import type { EmulatorCore, RequestContext } from './context.ts';
import { MAX_QUERY_COST, actualFieldCost, requestedCost } from './cost.ts';
import { formatGraphQLError, simpleError } from './errors.ts';
import type { ShopifyErrorJson } from './errors.ts';
import { resolveFieldValue, runtimeTypeName } from './field-resolution.ts';
import { fragmentsOf } from './selection.ts';
import type { ShopState } from './shop-state.ts';

export interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const RATE_LIMITS_DOC = 'https://shopify.dev/api/usage/rate-limits';

const fieldResolver: GraphQLFieldResolver<unknown, RequestContext> = (source, args, ctx, info) => {
  const field = info.parentType.getFields()[info.fieldName];
  if (!field) return null;
  const value = resolveFieldValue(ctx, info.parentType, field, source, args);
  if (info.operation.operation !== 'mutation') ctx.actualCost += actualFieldCost(info.returnType, value);
  return value;
};

const typeResolver: GraphQLTypeResolver<unknown, RequestContext> = (value) => runtimeTypeName(value);

function errorResult(shop: ShopState, errors: ShopifyErrorJson[], status = 200): HandlerResult {
  shop.stats.errors++;
  return { status, body: { errors } };
}

function classify(shop: ShopState, operation: OperationDefinitionNode): void {
  if (operation.operation !== 'mutation') {
    shop.stats.queries++;
    return;
  }
  const names = new Set(operation.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : '')));
  if (names.has('bulkOperationRunQuery')) shop.stats.bulkQueries++;
  else if (names.has('bulkOperationRunMutation')) shop.stats.bulkMutations++;
  else shop.stats.mutations++;
}

interface CheckedDocument {
  document: DocumentNode;
  validationErrors: readonly GraphQLError[];
}

/**
 * Parsed and validated documents by text, per schema: clients send the same few documents over and
 * over, and validating against the full Admin schema is most of a request's cost. The outcome of
 * parse and validate depends on the text and the schema only, so a cached one is the same answer.
 */
const DOCUMENT_CACHE_SIZE = 500;
const checkedDocuments = new WeakMap<GraphQLSchema, Map<string, CheckedDocument>>();

function checkedDocument(schema: GraphQLSchema, text: string): CheckedDocument {
  let cache = checkedDocuments.get(schema);
  if (!cache) {
    cache = new Map();
    checkedDocuments.set(schema, cache);
  }
  const known = cache.get(text);
  if (known) return known;
  const document = parse(text);
  const checked = { document, validationErrors: validate(schema, document) };
  if (cache.size >= DOCUMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(text, checked);
  return checked;
}

export function handleGraphql(core: EmulatorCore, shop: ShopState, payload: unknown): HandlerResult {
  const body = (payload ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof body.query !== 'string' || body.query.trim() === '') {
    shop.stats.errors++;
    return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
  }
  const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
  const rawVariables = body.variables !== null && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
  let checked: CheckedDocument;
  try {
    checked = checkedDocument(core.schema, body.query);
  } catch (error) {
    if (error instanceof GraphQLError) return errorResult(shop, [formatGraphQLError(error, 'syntaxError')]);
    throw error;
  }
  const { document, validationErrors } = checked;
  if (validationErrors.length > 0) return errorResult(shop, validationErrors.map((e) => formatGraphQLError(e, 'validationError')));
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    return errorResult(shop, [simpleError(operationName ? `No operation named "${operationName}"` : 'An operation name is required when the document has several operations', 'operationNotFound')]);
  }
  const coerced = getVariableValues(core.schema, operation.variableDefinitions ?? [], rawVariables);
  if (coerced.errors) return errorResult(shop, coerced.errors.map((e) => formatGraphQLError(e, 'variableMismatch')));
  const rootType = (operation.operation === 'mutation' ? core.schema.getMutationType() : core.schema.getQueryType()) as GraphQLObjectType;
  const requested = requestedCost({ schema: core.schema, fragments: fragmentsOf(document.definitions), variables: coerced.coerced }, rootType, operation);
  if (requested > MAX_QUERY_COST) {
    const message =
      `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\n` +
      `See ${RATE_LIMITS_DOC} for more information on how the cost of a query is calculated.\n\n` +
      'To query larger amounts of data with fewer limits, bulk operations should be used instead.\n' +
      'See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n';
    return errorResult(shop, [simpleError(message, 'MAX_COST_EXCEEDED', { cost: requested, maxCost: MAX_QUERY_COST, documentation: RATE_LIMITS_DOC })]);
  }
  const bucket = shop.bucket;
  if (!bucket.tryTake(requested)) {
    shop.stats.throttled++;
    return {
      status: 200,
      body: {
        errors: [simpleError('Throttled', 'THROTTLED', { documentation: RATE_LIMITS_DOC })],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } },
      },
    };
  }
  classify(shop, operation);
  const ctx = createContext(core, shop, false);
  const result = execute({ schema: core.schema, document, contextValue: ctx, variableValues: rawVariables, operationName, fieldResolver, typeResolver });
  if ('then' in result) throw new Error('Resolvers must be synchronous');
  const actual = operation.operation === 'mutation' ? requested : Math.min(requested, ctx.actualCost);
  bucket.giveBack(requested - actual);
  shop.stats.costSpent += actual;
  const extensions: Record<string, unknown> = {
    cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() },
  };
  if (ctx.searchReports.length > 0) extensions['search'] = ctx.searchReports;
  const response: Record<string, unknown> = {};
  if (result.errors && result.errors.length > 0) {
    shop.stats.errors++;
    response['errors'] = result.errors.map((e) => formatGraphQLError(e, 'INTERNAL_SERVER_ERROR'));
  }
  response['data'] = result.data ?? null;
  response['extensions'] = extensions;
  return { status: 200, body: response };
}
