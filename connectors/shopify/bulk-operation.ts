// Bulk operations: start one (query or mutation), poll until it ends, and read its JSONL result
// as a stream of lines. `bulk_operations/finish` webhooks are not guaranteed, so we always poll.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { RefineryError } from '../../core/errors.ts';
import { withRetry } from '../shared/with-retry.ts';
import type { AdminClient } from './admin-client.ts';
import { BULK_OPERATION, BULK_RUN_MUTATION, BULK_RUN_QUERY } from './documents.ts';
import { SHOPIFY_LIMITS } from './platform.ts';

export interface BulkOperationState {
  id: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'CANCELING' | 'EXPIRED';
  errorCode: string | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: string;
  url: string | null;
  partialDataUrl: string | null;
}

interface RunPayload {
  bulkOperation: BulkOperationState | null;
  userErrors: Array<{ field: string[] | null; message: string; code: string | null }>;
}

export interface PollOptions {
  /** First poll interval; grows by half each poll up to `maxIntervalMs`. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Give up waiting after this long. */
  timeoutMs?: number;
  onProgress?: (state: BulkOperationState) => void;
}

function checkStarted(payload: RunPayload | null, what: string): BulkOperationState {
  const errors = payload?.userErrors ?? [];
  if (errors.length > 0) {
    const codes = errors.map((e) => e.code);
    const message = errors.map((e) => e.message).join('; ');
    if (codes.includes('LIMIT_REACHED') || codes.includes('OPERATION_IN_PROGRESS')) {
      // Other bulk operations of this app are running on the shop: wait for a slot.
      throw new RefineryError('THROTTLED', `Shopify has no free bulk slot for ${what}: ${message}`, {
        retryAfterMs: SHOPIFY_LIMITS.bulkSlotWaitMs,
        details: { bulkSlot: true },
      });
    }
    throw new RefineryError('GRAPHQL', `Shopify refused ${what}: ${message}`);
  }
  if (!payload?.bulkOperation) throw new RefineryError('GRAPHQL', `Shopify started no bulk operation for ${what}`);
  return payload.bulkOperation;
}

/**
 * Starts a bulk operation, waiting while every bulk slot of the shop is taken (by this app's own
 * other operations, which end on their own). Other failures are not retried here: the client
 * already retried them.
 */
async function whenSlotFree(client: AdminClient, start: () => Promise<BulkOperationState>): Promise<BulkOperationState> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const full = error instanceof RefineryError && error.details?.bulkSlot === true;
      if (!full || attempt >= SHOPIFY_LIMITS.bulkSlotWaits) throw error;
      const wait = Math.min(SHOPIFY_LIMITS.bulkSlotWaitMs, client.retryPolicy.maxDelayMs);
      client.deps.log?.(`no free bulk slot on ${client.shop}; trying again in ${wait} ms`);
      await client.deps.sleep(wait);
    }
  }
}

export async function startBulkQuery(client: AdminClient, query: string): Promise<BulkOperationState> {
  return whenSlotFree(client, async () => {
    const data = await client.request<{ bulkOperationRunQuery: RunPayload | null }>('bulkOperationRunQuery', BULK_RUN_QUERY, { query });
    return checkStarted(data.bulkOperationRunQuery, 'the bulk query');
  });
}

export async function startBulkMutation(
  client: AdminClient,
  mutation: string,
  stagedUploadPath: string,
  clientIdentifier: string,
): Promise<BulkOperationState> {
  return whenSlotFree(client, async () => {
    const data = await client.request<{ bulkOperationRunMutation: RunPayload | null }>('bulkOperationRunMutation', BULK_RUN_MUTATION, {
      mutation,
      stagedUploadPath,
      clientIdentifier,
    });
    return checkStarted(data.bulkOperationRunMutation, 'the bulk mutation');
  });
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELED', 'EXPIRED']);

/** Polls until the operation ends. A failed or cancelled operation becomes a classified error. */
export async function awaitBulkOperation(client: AdminClient, id: string, options: PollOptions = {}): Promise<BulkOperationState> {
  const started = client.deps.now();
  let interval = options.intervalMs ?? 250;
  for (;;) {
    const data = await client.request<{ bulkOperation: BulkOperationState | null }>('bulkOperation', BULK_OPERATION, { id });
    const state = data.bulkOperation;
    if (!state) throw new RefineryError('NOT_FOUND', `bulk operation ${id} is unknown to Shopify`);
    options.onProgress?.(state);
    if (TERMINAL.has(state.status)) return state;
    if (client.deps.now() - started > (options.timeoutMs ?? 6 * 3600_000)) {
      throw new RefineryError('TIMEOUT', `bulk operation ${id} still ${state.status} after ${Math.round((client.deps.now() - started) / 1000)} s`);
    }
    await client.deps.sleep(interval);
    interval = Math.min(options.maxIntervalMs ?? 5000, Math.ceil(interval * 1.5));
  }
}

/** Turns a terminal non-COMPLETED state into the error it means. */
export function bulkFailure(state: BulkOperationState, what: string): RefineryError {
  const detail = `${what} (bulk operation ${state.id}) ended ${state.status}${state.errorCode ? ` with ${state.errorCode}` : ''}`;
  if (state.errorCode === 'ACCESS_DENIED') return new RefineryError('AUTH', `${detail}: the app lacks a scope it needs`);
  if (state.status === 'FAILED' && (state.errorCode === 'INTERNAL_SERVER_ERROR' || state.errorCode === 'TIMEOUT')) {
    return new RefineryError('UPSTREAM_UNAVAILABLE', detail, { details: { bulkOperation: state } });
  }
  return new RefineryError('BULK_OPERATION_FAILED', detail, { details: { bulkOperation: state } });
}

/**
 * Streams the lines of a result file, skipping the first `skip` lines. A download that breaks
 * part-way is retried from the start of the file, skipping what was already handed out.
 */
export async function* readJsonlLines(client: AdminClient, url: string, skip = 0): AsyncGenerator<string> {
  let delivered = skip;
  let attempt = 0;
  for (;;) {
    attempt++;
    try {
      const response = await withRetry(
        async () => {
          let res: Response;
          try {
            res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
          } catch (error) {
            throw new RefineryError('NETWORK', `downloading the bulk result failed: ${(error as Error).message}`, { cause: error });
          }
          if (res.status === 404 || res.status === 410) {
            throw new RefineryError('NOT_FOUND', `the bulk result at ${url} is gone (${res.status}); results expire after 7 days`);
          }
          if (!res.ok || !res.body) {
            const code = res.status === 429 || res.status >= 500 ? 'UPSTREAM_UNAVAILABLE' : 'VALIDATION';
            throw new RefineryError(code, `downloading the bulk result answered ${res.status}`);
          }
          return res;
        },
        client.retryPolicy,
        { sleep: client.deps.sleep, random: client.deps.random },
      );
      const lines = createInterface({ input: Readable.fromWeb(response.body as NodeReadableStream), crlfDelay: Infinity });
      let seen = 0;
      for await (const line of lines) {
        if (line.length === 0) continue;
        if (seen++ < delivered) continue;
        delivered++;
        yield line;
      }
      return;
    } catch (error) {
      const mapped = error instanceof RefineryError ? error : new RefineryError('NETWORK', `the bulk result download broke: ${(error as Error).message}`, { cause: error });
      if (!mapped.retriable || attempt >= client.retryPolicy.maxAttempts) throw mapped;
      client.deps.log?.(`bulk result download interrupted after ${delivered} lines; resuming`);
      await client.deps.sleep(Math.min(client.retryPolicy.maxDelayMs, client.retryPolicy.baseDelayMs * 2 ** attempt));
    }
  }
}
