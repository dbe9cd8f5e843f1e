// Bulk operation queries (bulkOperation, bulkOperations, currentBulkOperation) and mutations
// (run query, run mutation, cancel), plus stagedUploadsCreate which feeds bulk mutations.
import { bulkOperationView, isActive } from './bulk-operation-record.ts';
import type { BulkOperationRecord } from './bulk-operation-record.ts';
import { startBulkMutation } from './bulk-mutation.ts';
import { startBulkQuery } from './bulk-query.ts';
import { API_PAGING, BULK_PAGING, paginate, sortedPositions, toConnection } from './connection.ts';
import { argString, pageArgs } from './context.ts';
import type { Args, RequestContext, TypeResolvers } from './context.ts';
import { numericId } from './gid.ts';
import { compileSearch, dateTerm, exactTerm, numberTerm } from './search-query.ts';

function findOperation(ctx: RequestContext, args: Args): BulkOperationRecord | undefined {
  const id = numericId(argString(args, 'id') ?? '', 'BulkOperation');
  const record = id === null ? undefined : ctx.core.bulkOperations.get(id);
  return record && record.shop === ctx.shop.domain ? record : undefined;
}

/** Newest first by default, as Shopify documents for bulkOperations. */
function bulkOperationsConnection(ctx: RequestContext, args: Args): unknown {
  const list = ctx.shop.bulkOperations;
  const sortKey = argString(args, 'sortKey') ?? 'CREATED_AT';
  const key = sortKey === 'COMPLETED_AT' ? (i: number) => -(list[i]?.completedAt || 0) : (i: number) => -(list[i]?.createdAt ?? 0);
  const id = (i: number): number => -(list[i]?.id ?? 0);
  const query = argString(args, 'query');
  const compiled = compileSearch<BulkOperationRecord>(query, {
    id: numberTerm((r) => r.id),
    status: exactTerm((r) => r.status),
    operation_type: exactTerm((r) => r.type),
    created_at: dateTerm((r) => r.createdAt),
  });
  if (compiled.warnings.length > 0 && query !== null) ctx.searchReports.push({ path: ['bulkOperations'], query, warnings: compiled.warnings });
  const predicate = compiled.predicate;
  const source = {
    order: sortedPositions(list.length, key, id),
    key,
    id,
    filter: predicate ? (i: number) => predicate(list[i] as BulkOperationRecord) : () => true,
  };
  const page = paginate(source, pageArgs(args), ctx.bulk ? BULK_PAGING : API_PAGING);
  return toConnection(source, page, (i) => bulkOperationView(ctx.core.origin, list[i] as BulkOperationRecord));
}

export const bulkQueryResolvers: TypeResolvers = {
  bulkOperation: (_s, args, ctx) => {
    const record = findOperation(ctx, args);
    return record ? bulkOperationView(ctx.core.origin, record) : null;
  },
  bulkOperations: (_s, args, ctx) => bulkOperationsConnection(ctx, args),
  currentBulkOperation: (_s, args, ctx) => {
    const type = argString(args, 'type') ?? 'QUERY';
    const mine = ctx.shop.bulkOperations.filter((op) => op.type === type);
    const latest = mine[mine.length - 1];
    return latest ? bulkOperationView(ctx.core.origin, latest) : null;
  },
};

export const bulkMutationResolvers: TypeResolvers = {
  bulkOperationRunQuery: (_s, args, ctx) => startBulkQuery(ctx, argString(args, 'query') ?? ''),
  bulkOperationRunMutation: (_s, args, ctx) => startBulkMutation(ctx, argString(args, 'mutation') ?? '', argString(args, 'stagedUploadPath') ?? ''),
  bulkOperationCancel: (_s, args, ctx) => {
    const record = findOperation(ctx, args);
    if (!record) return { bulkOperation: null, userErrors: [{ field: ['id'], message: 'Bulk operation does not exist' }] };
    if (!isActive(record)) {
      return { bulkOperation: bulkOperationView(ctx.core.origin, record), userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${record.status.toLowerCase()}` }] };
    }
    record.status = 'CANCELING';
    return { bulkOperation: bulkOperationView(ctx.core.origin, record), userErrors: [] };
  },
  stagedUploadsCreate: (_s, args, ctx) => {
    const inputs = Array.isArray(args['input']) ? (args['input'] as Record<string, unknown>[]) : [];
    const userErrors: { field: string[]; message: string }[] = [];
    const targets = inputs.map((input, index) => {
      if (input['resource'] !== 'BULK_MUTATION_VARIABLES') {
        userErrors.push({ field: ['input', String(index), 'resource'], message: 'The emulator only stages BULK_MUTATION_VARIABLES uploads' });
        return null;
      }
      if (input['httpMethod'] === 'PUT') {
        userErrors.push({ field: ['input', String(index), 'httpMethod'], message: 'The emulator only supports POST staged uploads' });
        return null;
      }
      const upload = ctx.core.stagedUploads.reserve(ctx.shop.domain, ctx.shop.numericId, String(input['filename'] ?? 'upload'), String(input['mimeType'] ?? 'text/jsonl'));
      return { url: `${ctx.core.origin}/staged-uploads`, resourceUrl: null, parameters: upload.parameters };
    });
    if (userErrors.length > 0) return { stagedTargets: [], userErrors };
    return { stagedTargets: targets, userErrors: [] };
  },
};
