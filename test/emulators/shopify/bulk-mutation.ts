// bulkOperationRunMutation: run one mutation (tagsAdd / tagsRemove) once per line of a staged
// JSONL variables file, in chunks, writing {"data": …, "__lineNumber": n} (or {"errors": …}) lines.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Kind, getVariableValues, parse, validate } from 'graphql';
import type { DocumentNode, GraphQLObjectType, OperationDefinitionNode } from 'graphql';
import { bulkOperationView } from './bulk-operation-record.ts';
import type { BulkOperationRecord } from './bulk-operation-record.ts';
import { JsonlWriter, MAX_CONCURRENT_BULK, activeCount, betweenChunks, createBulkRecord, finishRecord, launch, stopRequested } from './bulk-common.ts';
import { completeObject } from './bulk-executor.ts';
import type { BulkExecution } from './bulk-executor.ts';
import { createContext } from './context.ts';
import type { RequestContext } from './context.ts';
import { fragmentsOf } from './selection.ts';
import type { StagedUpload } from './staged-upload-store.ts';
import type { BulkFailFault, BulkMutationLineErrorsFault } from './types.ts';

export const SUPPORTED_BULK_MUTATIONS = ['tagsAdd', 'tagsRemove'];
const LINES_PER_CHUNK = 200;

interface BulkMutationUserError {
  field: string[] | null;
  message: string;
  code: string;
}

function rejected(field: string[] | null, message: string, code: string): { bulkOperation: null; userErrors: BulkMutationUserError[] } {
  return { bulkOperation: null, userErrors: [{ field, message, code }] };
}

interface MutationPlan {
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

function checkMutation(ctx: RequestContext, text: string): MutationPlan | string {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    return `Failed to parse the mutation - ${(error as Error).message}`;
  }
  const errors = validate(ctx.core.schema, document);
  if (errors.length > 0) return `Invalid mutation: ${errors.map((e) => e.message).join(' ')}`;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations[0];
  if (operations.length !== 1 || !operation || operation.operation !== 'mutation') return 'The document must contain exactly one mutation operation.';
  const fields = operation.selectionSet.selections;
  const root = fields[0];
  if (fields.length !== 1 || !root || root.kind !== Kind.FIELD) return 'Bulk mutations must contain exactly one top-level mutation field.';
  if (!SUPPORTED_BULK_MUTATIONS.includes(root.name.value)) {
    return `The mutation ${root.name.value} is not supported by the emulator's bulk mutations (supported: ${SUPPORTED_BULK_MUTATIONS.join(', ')}).`;
  }
  return { document, operation };
}

export function startBulkMutation(ctx: RequestContext, text: string, stagedUploadPath: string): Record<string, unknown> {
  const { core, shop } = ctx;
  if (activeCount(shop, 'MUTATION') >= MAX_CONCURRENT_BULK.MUTATION) {
    return rejected(null, `A maximum of ${MAX_CONCURRENT_BULK.MUTATION} bulk mutation operations can run at the same time for this app and shop.`, 'LIMIT_REACHED');
  }
  const plan = checkMutation(ctx, text);
  if (typeof plan === 'string') return rejected(['mutation'], plan, 'INVALID_MUTATION');
  const upload = core.stagedUploads.get(stagedUploadPath);
  if (!upload || upload.shop !== shop.domain || upload.filePath === null) {
    return rejected(['stagedUploadPath'], "The JSONL file could not be found. Try uploading the file again, and check that you've entered the URL correctly for the stagedUploadPath mutation argument.", 'NO_SUCH_FILE');
  }
  const record = createBulkRecord(core, shop, 'MUTATION', text);
  const fail = shop.faults.takeBulkFail('MUTATION');
  const lineErrors = shop.faults.takeLineErrors();
  launch(core, record, () => runBulkMutation(ctx, record, plan, upload, fail, lineErrors));
  return { bulkOperation: bulkOperationView(core.origin, record), userErrors: [] };
}

function executeLine(ex: BulkExecution, mutationType: GraphQLObjectType, plan: MutationPlan, raw: string, lineNumber: number): string {
  let variables: unknown;
  try {
    variables = JSON.parse(raw);
  } catch (error) {
    return JSON.stringify({ errors: [{ message: `Invalid JSON on line ${lineNumber}: ${(error as Error).message}` }], __lineNumber: lineNumber });
  }
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
    return JSON.stringify({ errors: [{ message: 'Each line must be a JSON object of variables' }], __lineNumber: lineNumber });
  }
  const coerced = getVariableValues(ex.selection.schema, plan.operation.variableDefinitions ?? [], variables as Record<string, unknown>);
  if (coerced.errors) return JSON.stringify({ errors: coerced.errors.map((e) => ({ message: e.message })), __lineNumber: lineNumber });
  ex.selection.variables = coerced.coerced;
  try {
    const data = completeObject(ex, mutationType, undefined, plan.operation.selectionSet, null);
    return JSON.stringify({ data, __lineNumber: lineNumber });
  } catch (error) {
    return JSON.stringify({ errors: [{ message: (error as Error).message }], __lineNumber: lineNumber });
  }
}

async function runBulkMutation(
  parent: RequestContext,
  record: BulkOperationRecord,
  plan: MutationPlan,
  upload: StagedUpload,
  fault: BulkFailFault | undefined,
  lineErrors: BulkMutationLineErrorsFault | undefined,
): Promise<void> {
  const { core, shop } = parent;
  if (stopRequested(core, record)) return finishRecord(record, 'CANCELED');
  record.status = 'RUNNING';
  if (fault?.errorCode === 'ACCESS_DENIED') return finishRecord(record, 'FAILED', 'ACCESS_DENIED');
  const request = createContext(core, shop, true);
  const ex: BulkExecution = { request, selection: { schema: core.schema, fragments: fragmentsOf(plan.document.definitions), variables: {} } };
  const mutationType = core.schema.getMutationType() as GraphQLObjectType;
  const writer = new JsonlWriter(core, record);
  record.filePath = writer.path;
  const reader = createInterface({ input: createReadStream(upload.filePath ?? ''), crlfDelay: Number.POSITIVE_INFINITY });
  let status = 'COMPLETED' as 'COMPLETED' | 'FAILED' | 'CANCELED';
  let pending: { raw: string; lineNumber: number }[] = [];
  // Executes the pending lines; true when the run must stop (fault or cancel).
  const flush = async (): Promise<boolean> => {
    // An injected TIMEOUT / INTERNAL_SERVER_ERROR applies half of the first chunk, then fails.
    const batch = fault ? pending.slice(0, Math.max(1, Math.floor(pending.length / 2))) : pending;
    pending = [];
    const out: string[] = [];
    for (const { raw, lineNumber } of batch) {
      const forced = lineErrors !== undefined && (lineNumber + 1) % lineErrors.every === 0;
      request.forcedUserError = forced ? (lineErrors.message ?? 'Injected failure for this line') : null;
      out.push(executeLine(ex, mutationType, plan, raw, lineNumber));
      record.objectCount++;
      record.rootObjectCount++;
    }
    await writer.write(out);
    if (fault) {
      status = 'FAILED';
      return true;
    }
    await betweenChunks(shop);
    if (stopRequested(core, record)) {
      status = 'CANCELED';
      return true;
    }
    return false;
  };
  try {
    let lineNumber = -1;
    let stopped = false;
    for await (const raw of reader) {
      lineNumber++;
      if (raw.trim() === '') continue;
      pending.push({ raw, lineNumber });
      if (pending.length >= LINES_PER_CHUNK && (await flush())) {
        stopped = true;
        break;
      }
    }
    if (!stopped) await flush();
  } finally {
    reader.close();
    await writer.close();
    record.fileSize = writer.bytes;
  }
  finishRecord(record, status, status === 'FAILED' ? (fault?.errorCode ?? 'INTERNAL_SERVER_ERROR') : null);
}
