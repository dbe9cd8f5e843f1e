// Reads a whole collection through a bulk query: starts (or resumes) the operation, then turns
// its JSONL result into pages of records, each with a checkpoint counting the lines consumed.
// Records are assembled from a parent line and the child lines that follow it (the query asks
// for grouped output), so memory holds one page at a time, never the file.
import { RefineryError } from '../../core/errors.ts';
import { withRetry } from '../shared/with-retry.ts';
import { awaitBulkOperation, bulkFailure, readJsonlLines, startBulkQuery, type BulkOperationState } from './bulk-operation.ts';
import { afterBulk, formatCheckpoint, type StreamCheckpoint } from './checkpoint.ts';
import type { PullContext, StreamPage } from './stream.ts';

export interface BulkLine {
  id?: string;
  __parentId?: string;
  [field: string]: unknown;
}

/** Builds one record from its parent line and its children lines. */
export type Assemble<T> = (parent: BulkLine, children: BulkLine[]) => T;

async function runExport(ctx: PullContext, stream: string, query: string): Promise<BulkOperationState> {
  const attempt = async (): Promise<BulkOperationState> => {
    const started = await startBulkQuery(ctx.client, query);
    ctx.onProgress?.(stream, `bulk export ${started.id} started`);
    const done = await awaitBulkOperation(ctx.client, started.id, {
      intervalMs: ctx.pollIntervalMs,
      onProgress: (s) => ctx.onProgress?.(stream, `bulk export ${s.status.toLowerCase()}, ${s.objectCount} objects`),
    });
    if (done.status !== 'COMPLETED') throw bulkFailure(done, `the ${stream} export`);
    return done;
  };
  try {
    return await withRetry(attempt, { ...ctx.client.retryPolicy, maxAttempts: 3 }, {
      sleep: ctx.client.deps.sleep,
      random: ctx.client.deps.random,
      onRetry: ({ reason }) => ctx.onProgress?.(stream, `bulk export failed (${reason}); starting it again`),
    });
  } catch (error) {
    if (error instanceof RefineryError && error.code === 'UPSTREAM_UNAVAILABLE' && error.details?.bulkOperation) {
      throw new RefineryError('BULK_OPERATION_FAILED', `${error.message}; gave up after 3 attempts`, { details: error.details });
    }
    throw error;
  }
}

function parseLine(line: string, stream: string, lineNumber: number): BulkLine {
  try {
    return JSON.parse(line) as BulkLine;
  } catch {
    throw new RefineryError('VALIDATION', `line ${lineNumber} of the ${stream} bulk result is not JSON: ${line.slice(0, 80)}`);
  }
}

export async function* bulkExport<T>(
  ctx: PullContext,
  stream: string,
  query: string,
  previous: StreamCheckpoint | null,
  assemble: Assemble<T>,
): AsyncGenerator<StreamPage<T>> {
  let state: { operationId: string; url: string | null; linesDone: number; startedAt: string };
  if (previous?.mode === 'bulk' && !ctx.full) {
    state = { ...previous };
    ctx.onProgress?.(stream, `resuming bulk export ${previous.operationId} after ${previous.linesDone} lines`);
  } else {
    const op = await runExport(ctx, stream, query);
    state = { operationId: op.id, url: op.url, linesDone: 0, startedAt: op.createdAt };
  }
  const checkpointAt = (linesDone: number) => formatCheckpoint({ mode: 'bulk', ...state, linesDone });

  if (state.url) {
    let page: T[] = [];
    let parent: BulkLine | null = null;
    let children: BulkLine[] = [];
    let consumed = state.linesDone; // lines read so far
    let complete = state.linesDone; // lines of records already in `page` or saved
    const flushParent = () => {
      if (parent) page.push(assemble(parent, children));
      complete = consumed;
      parent = null;
      children = [];
    };
    for await (const line of readJsonlLines(ctx.client, state.url, state.linesDone)) {
      const value = parseLine(line, stream, consumed + 1);
      if (value.__parentId !== undefined) {
        if (!parent || value.__parentId !== parent.id) {
          throw new RefineryError('VALIDATION', `line ${consumed + 1} of the ${stream} bulk result belongs to ${value.__parentId}, which is not the record before it (was the result grouped?)`);
        }
        children.push(value);
        consumed++;
        continue;
      }
      flushParent();
      if (page.length >= ctx.pageSize) {
        yield { records: page, checkpoint: checkpointAt(complete) };
        ctx.onProgress?.(stream, `${complete} lines saved`);
        page = [];
      }
      parent = value;
      consumed++;
    }
    flushParent();
    if (page.length > 0) yield { records: page, checkpoint: checkpointAt(complete) };
  }
  // Export finished: from now on, read what changed since it started.
  yield { records: [], checkpoint: formatCheckpoint(afterBulk(state.startedAt)) };
}
