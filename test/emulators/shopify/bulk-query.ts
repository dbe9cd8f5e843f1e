// bulkOperationRunQuery: validate, then page through the top-level connection in chunks in the
// background, streaming one JSONL line per node (nested connection nodes on their own lines with
// __parentId) to a file served at {origin}/bulk/{id}.jsonl.
import { getArgumentValues, getNamedType } from 'graphql';
import type { GraphQLCompositeType, GraphQLObjectType } from 'graphql';
import { bulkOperationView } from './bulk-operation-record.ts';
import type { BulkOperationRecord } from './bulk-operation-record.ts';
import { JsonlWriter, MAX_CONCURRENT_BULK, activeCount, betweenChunks, createBulkRecord, finishRecord, launch, stopRequested, yieldToLoop } from './bulk-common.ts';
import { connectionNodeSelection, writeNodeLines } from './bulk-executor.ts';
import type { BulkExecution } from './bulk-executor.ts';
import { checkBulkQuery } from './bulk-query-validation.ts';
import type { BulkQueryPlan } from './bulk-query-validation.ts';
import { createContext } from './context.ts';
import type { RequestContext } from './context.ts';
import { resolveFieldValue } from './field-resolution.ts';
import type { Connection } from './connection.ts';
import type { BulkFailFault } from './types.ts';

export const BULK_QUERY_CHUNK = 250;

interface BulkUserError {
  field: string[] | null;
  message: string;
  code: string;
}

function rejected(field: string[] | null, message: string, code: string): { bulkOperation: null; userErrors: BulkUserError[] } {
  return { bulkOperation: null, userErrors: [{ field, message, code }] };
}

export function startBulkQuery(ctx: RequestContext, text: string): Record<string, unknown> {
  const { core, shop } = ctx;
  if (activeCount(shop, 'QUERY') >= MAX_CONCURRENT_BULK.QUERY) {
    return rejected(null, `A maximum of ${MAX_CONCURRENT_BULK.QUERY} bulk query operations can run at the same time for this app and shop.`, 'LIMIT_REACHED');
  }
  const check = checkBulkQuery(core.schema, text);
  if (!check.ok) return rejected(['query'], check.message, 'INVALID');
  const record = createBulkRecord(core, shop, 'QUERY', text);
  const fault = shop.faults.takeBulkFail('QUERY');
  launch(core, record, () => runBulkQuery(ctx, record, check.plan, fault));
  return { bulkOperation: bulkOperationView(core.origin, record), userErrors: [] };
}

async function runBulkQuery(parent: RequestContext, record: BulkOperationRecord, plan: BulkQueryPlan, fault: BulkFailFault | undefined): Promise<void> {
  const { core, shop } = parent;
  if (stopRequested(core, record)) return finishRecord(record, 'CANCELED');
  record.status = 'RUNNING';
  if (fault?.errorCode === 'ACCESS_DENIED') {
    await yieldToLoop();
    return finishRecord(record, 'FAILED', 'ACCESS_DENIED');
  }
  const request = createContext(core, shop, true);
  const ex: BulkExecution = { request, selection: { schema: core.schema, fragments: plan.fragments, variables: {} } };
  const queryType = core.schema.getQueryType() as GraphQLObjectType;
  const connectionType = getNamedType(plan.rootField.type) as GraphQLObjectType;
  const nodeType = getNamedType(connectionType.getFields()['nodes']?.type) as GraphQLCompositeType;
  const nodeSelection = connectionNodeSelection(ex, connectionType, plan.rootSelection);
  const baseArgs = getArgumentValues(plan.rootField, plan.rootNode, {});
  const writer = new JsonlWriter(core, record);
  record.filePath = writer.path;
  let outcome: { status: 'COMPLETED' | 'FAILED' | 'CANCELED'; code: BulkFailFault['errorCode'] | null } = { status: 'COMPLETED', code: null };
  let after: string | null = null;
  try {
    for (;;) {
      if (stopRequested(core, record)) {
        outcome = { status: 'CANCELED', code: null };
        break;
      }
      const args = { ...baseArgs, first: BULK_QUERY_CHUNK, after, last: null, before: null };
      const connection = resolveFieldValue(request, queryType, plan.rootField, undefined, args) as Connection<unknown>;
      const lines: string[] = [];
      // An injected TIMEOUT / INTERNAL_SERVER_ERROR keeps half of the first chunk as partial data.
      const roots = fault ? connection.nodes.slice(0, Math.max(1, Math.floor(connection.nodes.length / 2))) : connection.nodes;
      for (const node of roots) {
        record.objectCount += writeNodeLines(ex, nodeType, node, nodeSelection, null, lines);
        record.rootObjectCount++;
      }
      await writer.write(lines);
      if (fault) {
        outcome = { status: 'FAILED', code: fault.errorCode };
        break;
      }
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
      await betweenChunks(shop);
    }
  } finally {
    await writer.close();
    record.fileSize = writer.bytes;
  }
  finishRecord(record, outcome.status, outcome.code);
}
