// Writes customer tag changes. Few changes: one tagsAdd / tagsRemove call per customer. Many:
// one bulk mutation per direction, its variables uploaded as JSONL, its per-line results read
// back. One customer's removals and additions together (real time): one request with both
// mutations (changeCustomerTags). Only tags given here are touched (the caller passes only this
// app's own tags); both mutations are idempotent, so re-sending after a crash is harmless.
import { RefineryError, describeError } from '../../core/errors.ts';
import type { AdminClient } from './admin-client.ts';
import { awaitBulkOperation, bulkFailure, readJsonlLines, startBulkMutation } from './bulk-operation.ts';
import { TAGS_ADD, TAGS_REMOVE, TAGS_REMOVE_AND_ADD } from './documents.ts';
import { uploadBulkVariables } from './staged-upload.ts';

export interface TagChange {
  customerId: string;
  tags: string[];
}

export type TagDirection = 'add' | 'remove';

export interface TagPushResult {
  calls: { tagMutations: number; bulkMutations: number; stagedUploads: number };
  failed: Array<{ customerId: string; tags: string[]; message: string }>;
}

export interface TagPushOptions {
  /** At or above this many customers, use a bulk mutation. */
  bulkThreshold: number;
  pollIntervalMs?: number;
  /** Called with each batch of changes Shopify confirmed, so progress is recorded as it happens. */
  onConfirmed: (direction: TagDirection, changes: TagChange[]) => Promise<void>;
  runLabel: string;
}

interface MutationPayload {
  node: { id: string } | null;
  userErrors: Array<{ field: string[] | null; message: string }>;
}

const FIELD: Record<TagDirection, 'tagsAdd' | 'tagsRemove'> = { add: 'tagsAdd', remove: 'tagsRemove' };
const DOCUMENT: Record<TagDirection, string> = { add: TAGS_ADD, remove: TAGS_REMOVE };
/** Confirmed changes of a bulk result handed to onConfirmed at a time. */
const CONFIRM_BATCH = 5000;

async function pushOneByOne(client: AdminClient, direction: TagDirection, changes: TagChange[], options: TagPushOptions, result: TagPushResult): Promise<void> {
  let confirmed: TagChange[] = [];
  for (const change of changes) {
    result.calls.tagMutations++;
    const data = await client.request<Record<string, MutationPayload | null>>(FIELD[direction], DOCUMENT[direction], {
      id: change.customerId,
      tags: change.tags,
    });
    const payload = data[FIELD[direction]];
    if (!payload || payload.userErrors.length > 0) {
      result.failed.push({ ...change, message: payload?.userErrors.map((e) => e.message).join('; ') ?? 'no payload' });
    } else {
      confirmed.push(change);
    }
    if (confirmed.length >= 50) {
      await options.onConfirmed(direction, confirmed);
      confirmed = [];
    }
  }
  if (confirmed.length > 0) await options.onConfirmed(direction, confirmed);
}

async function pushInBulk(client: AdminClient, direction: TagDirection, changes: TagChange[], options: TagPushOptions, result: TagPushResult): Promise<void> {
  let pending = changes;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const jsonl = pending.map((c) => JSON.stringify({ id: c.customerId, tags: c.tags })).join('\n') + '\n';
    result.calls.stagedUploads++;
    const path = await uploadBulkVariables(client, `${FIELD[direction]}-${options.runLabel}.jsonl`, jsonl);
    result.calls.bulkMutations++;
    const started = await startBulkMutation(client, DOCUMENT[direction], path, `refinery-${FIELD[direction]}-${options.runLabel}`);
    const done = await awaitBulkOperation(client, started.id, { intervalMs: options.pollIntervalMs });
    const resultUrl = done.status === 'COMPLETED' ? done.url : done.partialDataUrl;
    const answered = new Set<number>();
    let confirmed: TagChange[] = [];
    if (resultUrl) {
      for await (const line of readJsonlLines(client, resultUrl)) {
        const parsed = JSON.parse(line) as { __lineNumber?: number; data?: Record<string, MutationPayload | null>; errors?: Array<{ message: string }> };
        const n = parsed.__lineNumber;
        const change = n === undefined ? undefined : pending[n];
        if (n === undefined || !change) continue;
        answered.add(n);
        const payload = parsed.data?.[FIELD[direction]];
        if (parsed.errors?.length || !payload || payload.userErrors.length > 0) {
          const message = parsed.errors?.map((e) => e.message).join('; ') ?? payload?.userErrors.map((e) => e.message).join('; ') ?? 'no result';
          result.failed.push({ ...change, message });
        } else {
          confirmed.push(change);
        }
        // Recorded as the result is read, a batch at a time: a run stopped part-way keeps what was
        // confirmed, and 100,000 confirmations are never held (or recorded) all at once.
        if (confirmed.length >= CONFIRM_BATCH) {
          await options.onConfirmed(direction, confirmed);
          confirmed = [];
        }
      }
    }
    if (confirmed.length > 0) await options.onConfirmed(direction, confirmed);
    if (done.status === 'COMPLETED') {
      const unanswered = pending.filter((_, i) => !answered.has(i));
      for (const change of unanswered) result.failed.push({ ...change, message: 'no result line for this change' });
      return;
    }
    // Failed part-way: lines without an answer were not applied; send them again.
    const failure = bulkFailure(done, `the ${FIELD[direction]} bulk mutation`);
    pending = pending.filter((_, i) => !answered.has(i));
    if (!failure.retriable || attempt >= 3) {
      throw new RefineryError(failure.code === 'UPSTREAM_UNAVAILABLE' ? 'BULK_OPERATION_FAILED' : failure.code, `${failure.message}; ${pending.length} changes not written`, { details: failure.details });
    }
    client.deps.log?.(`${describeError(failure)}; resending ${pending.length} unanswered lines`);
  }
}

/** Pushes tag additions or removals for many customers. */
export async function pushTags(client: AdminClient, direction: TagDirection, changes: TagChange[], options: TagPushOptions): Promise<TagPushResult> {
  const result: TagPushResult = { calls: { tagMutations: 0, bulkMutations: 0, stagedUploads: 0 }, failed: [] };
  const work = changes.filter((c) => c.tags.length > 0);
  if (work.length === 0) return result;
  if (work.length >= options.bulkThreshold) await pushInBulk(client, direction, work, options, result);
  else await pushOneByOne(client, direction, work, options, result);
  return result;
}

/** What Shopify answered for each direction of one customer's change: null when confirmed, else why not. */
export interface CustomerTagOutcome {
  removeFailure: string | null;
  addFailure: string | null;
}

const failureOf = (payload: MutationPayload | null | undefined): string | null =>
  !payload ? 'no payload' : payload.userErrors.length > 0 ? payload.userErrors.map((e) => e.message).join('; ') : null;

/**
 * One customer's removals and additions in a single request: both mutations in one document when
 * both are needed (removals run first), else the one that is. A direction with no tags is
 * confirmed without a call. Errors of the request itself (throttled, network) are thrown as
 * AdminClient.request throws them: nothing was confirmed, and re-sending is harmless.
 */
export async function changeCustomerTags(client: AdminClient, customerId: string, change: { remove: string[]; add: string[] }): Promise<CustomerTagOutcome> {
  const { remove, add } = change;
  if (remove.length > 0 && add.length > 0) {
    const data = await client.request<Record<string, MutationPayload | null>>('tagsRemoveAndAdd', TAGS_REMOVE_AND_ADD, { id: customerId, remove, add }, { costGuess: 20 });
    return { removeFailure: failureOf(data.tagsRemove), addFailure: failureOf(data.tagsAdd) };
  }
  const direction: TagDirection | null = remove.length > 0 ? 'remove' : add.length > 0 ? 'add' : null;
  if (direction === null) return { removeFailure: null, addFailure: null };
  const data = await client.request<Record<string, MutationPayload | null>>(FIELD[direction], DOCUMENT[direction], { id: customerId, tags: direction === 'add' ? add : remove });
  const failure = failureOf(data[FIELD[direction]]);
  return direction === 'add' ? { removeFailure: null, addFailure: failure } : { removeFailure: failure, addFailure: null };
}
