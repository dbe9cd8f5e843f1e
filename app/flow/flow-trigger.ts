// Shopify Flow trigger "Customer entered segment" (extensions/flow-customer-entered-segment): one
// flowTriggerReceive per (Shopify customer, segment) membership that a write-back confirmed as
// started, that is, a tag newly added by this app. Held-out people are never written, so they never
// enter. Not fired:
// - on the shop's first write-back (the initial load of every membership is not "entering"); the
//   baseline is recorded once a sync of the shop has succeeded (FLOW_BASELINE_STATE);
// - more than once per start: jobs carry deterministic ids flow|<shop>|<customer>|<segment>|<origin>
//   where origin is the run id (batch) or `v<version>` (real time).
// Flow ignores a trigger that no active workflow uses, so nothing here asks whether the merchant has
// one; firing costs one mutation (10 points) each, throttled with the shop's other Admin calls.
// A failed trigger never fails the sync: failures are counted in the run report and, when it was
// queued, retried by the queue's retry policy.
import { RefineryError } from '../../core/errors.ts';
import type { SegmentDefinition } from '../../core/model.ts';
import type { AdminClient } from '../../connectors/shopify/admin-client.ts';
import { FLOW_TRIGGER_RECEIVE } from '../../connectors/shopify/documents.ts';
import type { FlowTriggerJob, JobQueue } from '../jobs/job-types.ts';
import type { Store } from '../store/store.ts';
import { flowTriggerInUse } from './flow-lifecycle.ts';

/** The trigger extension's handle (extensions/flow-customer-entered-segment/shopify.extension.toml). */
export const FLOW_TRIGGER_HANDLE = 'customer-entered-segment';

export const FLOW_POLICY = {
  /** Shopify's documented limit for a flowTriggerReceive payload. */
  maxPayloadBytes: 50_000,
  /** Triggers sent at once when the sync sends them itself (no queue at hand). */
  inlineConcurrency: 4,
  /** Segment names are cut to this many characters in the payload. */
  maxNameLength: 255,
} as const;

/**
 * Model state naming the write-back from which memberships count as entered: absent until a sync of
 * the shop has succeeded once, so that the first (initial) load fires nothing.
 */
export const FLOW_BASELINE_STATE = 'flow-trigger-baseline';

/** Trigger field keys: Flow allows only letters and spaces in a trigger field's key. */
export const FLOW_TRIGGER_FIELDS = { segmentKey: 'Segment key', segmentName: 'Segment name' } as const;

export interface MembershipStart {
  customerId: string;
  segmentKey: string;
}

export interface FlowDispatchResult {
  /** Triggers sent (inline) or queued (a queue at hand). */
  fired: number;
  failed: number;
  errors: Array<{ code: string; message: string }>;
}

export async function hasFlowBaseline(store: Store, shopId: string): Promise<boolean> {
  const state = await store.getModelState(shopId, FLOW_BASELINE_STATE);
  return typeof state === 'object' && state !== null;
}

/**
 * Whether a write-back's started memberships fire triggers: the shop's baseline write-back is done
 * and Flow said a workflow uses the trigger (app/flow/flow-lifecycle.ts).
 */
export async function firesFlowTriggers(store: Store, shopId: string): Promise<boolean> {
  return (await hasFlowBaseline(store, shopId)) && (await flowTriggerInUse(store, shopId));
}

export async function recordFlowBaseline(store: Store, shopId: string, runId: string, at: string): Promise<void> {
  if (!(await hasFlowBaseline(store, shopId))) await store.saveModelState(shopId, FLOW_BASELINE_STATE, { runId, at }, at);
}

/** The customer's numeric id, as Flow's customer_reference field (`customer_id`) takes it. */
export function customerNumericId(customerGid: string): number {
  const match = /^gid:\/\/shopify\/Customer\/([0-9]{1,20})$/.exec(customerGid);
  const id = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new RefineryError('INPUT', `${customerGid.slice(0, 80)} is not a Shopify customer id`);
  return id;
}

/** The trigger's payload: the customer reference and the two text fields, keyed as the toml names them. */
export function flowTriggerPayload(job: Pick<FlowTriggerJob, 'customerId' | 'segmentKey' | 'segmentName'>): Record<string, unknown> {
  const payload = {
    customer_id: customerNumericId(job.customerId),
    [FLOW_TRIGGER_FIELDS.segmentKey]: job.segmentKey,
    [FLOW_TRIGGER_FIELDS.segmentName]: job.segmentName.slice(0, FLOW_POLICY.maxNameLength),
  };
  if (Buffer.byteLength(JSON.stringify(payload), 'utf8') > FLOW_POLICY.maxPayloadBytes) {
    throw new RefineryError('VALIDATION', `the Flow trigger payload for ${job.segmentKey} exceeds ${FLOW_POLICY.maxPayloadBytes} bytes`);
  }
  return payload;
}

export function flowTriggerJobId(job: Pick<FlowTriggerJob, 'shopId' | 'customerId' | 'segmentKey' | 'origin'>): string {
  return `flow|${job.shopId}|${job.customerId}|${job.segmentKey}|${job.origin}`;
}

/** One trigger. userErrors (unknown handle, payload refused) are permanent: retrying sends the same. */
export async function sendFlowTrigger(client: AdminClient, job: Pick<FlowTriggerJob, 'customerId' | 'segmentKey' | 'segmentName'>): Promise<void> {
  const data = await client.request<{ flowTriggerReceive: { userErrors: Array<{ field: string[] | null; message: string }> } | null }>(
    'flowTriggerReceive',
    FLOW_TRIGGER_RECEIVE,
    { handle: FLOW_TRIGGER_HANDLE, payload: flowTriggerPayload(job) },
  );
  const errors = data.flowTriggerReceive?.userErrors ?? [{ field: null, message: 'no payload' }];
  if (errors.length > 0) throw new RefineryError('VALIDATION', `Flow refused the trigger for ${job.customerId} in ${job.segmentKey}: ${errors.map((e) => e.message).join('; ')}`);
}

/** The jobs for the starts, one per (customer, segment), in a stable order; segments no longer defined are left out. */
export function flowTriggerJobs(shopId: string, starts: readonly MembershipStart[], definitions: readonly Pick<SegmentDefinition, 'key' | 'name'>[], origin: string): FlowTriggerJob[] {
  const nameOf = new Map(definitions.map((d) => [d.key, d.name]));
  const seen = new Set<string>();
  const jobs: FlowTriggerJob[] = [];
  for (const start of starts) {
    const name = nameOf.get(start.segmentKey);
    const id = `${start.customerId}\u0000${start.segmentKey}`;
    if (name === undefined || seen.has(id)) continue;
    seen.add(id);
    jobs.push({ shopId, customerId: start.customerId, segmentKey: start.segmentKey, segmentName: name, origin });
  }
  return jobs.sort((a, b) => (a.segmentKey === b.segmentKey ? a.customerId.localeCompare(b.customerId) : a.segmentKey.localeCompare(b.segmentKey)));
}

/**
 * Hands the triggers to the `flowTrigger` queue when there is one (the workers send them with
 * bounded concurrency and retry them), else sends them here, `inlineConcurrency` at a time. Never
 * throws: what could not be queued or sent is counted.
 */
export async function dispatchFlowTriggers(jobs: readonly FlowTriggerJob[], target: { queue?: JobQueue | null; client: AdminClient }): Promise<FlowDispatchResult> {
  const result: FlowDispatchResult = { fired: 0, failed: 0, errors: [] };
  const fail = (job: FlowTriggerJob, error: unknown) => {
    result.failed++;
    // The first few reasons are enough to see what went wrong; the count says how often.
    if (result.errors.length < 5) {
      const code = error instanceof RefineryError ? error.code : 'INTERNAL';
      result.errors.push({ code: 'FLOW_TRIGGER', message: `${job.customerId} in ${job.segmentKey} (${code}): ${error instanceof Error ? error.message : String(error)}` });
    }
  };
  if (target.queue) {
    for (const job of jobs) {
      try {
        await target.queue.enqueue('flowTrigger', job, { jobId: flowTriggerJobId(job) });
        result.fired++;
      } catch (error) {
        fail(job, error);
      }
    }
    return result;
  }
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++] as FlowTriggerJob;
      try {
        await sendFlowTrigger(target.client, job);
        result.fired++;
      } catch (error) {
        fail(job, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FLOW_POLICY.inlineConcurrency, jobs.length) }, worker));
  return result;
}
