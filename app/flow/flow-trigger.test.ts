// Flow trigger payloads, job ids and dispatch (queued, or sent inline a few at a time; failures counted).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../../core/errors.ts';
import type { AdminClient } from '../../connectors/shopify/admin-client.ts';
import type { FlowTriggerJob, JobQueue } from '../jobs/job-types.ts';
import { customerNumericId, dispatchFlowTriggers, FLOW_POLICY, FLOW_TRIGGER_HANDLE, flowTriggerJobId, flowTriggerJobs, flowTriggerPayload } from './flow-trigger.ts';

const SHOP = 'demo.myshopify.com';
const definitions = [
  { key: 'champions', name: 'Champions' },
  { key: 'at-risk', name: 'At risk' },
];

test('the payload: the numeric customer reference and the two text fields keyed as the trigger declares them', () => {
  assert.deepEqual(flowTriggerPayload({ customerId: 'gid://shopify/Customer/42', segmentKey: 'at-risk', segmentName: 'At risk' }), {
    customer_id: 42,
    'Segment key': 'at-risk',
    'Segment name': 'At risk',
  });
  assert.equal((flowTriggerPayload({ customerId: 'gid://shopify/Customer/1', segmentKey: 'x', segmentName: 'n'.repeat(1000) })['Segment name'] as string).length, FLOW_POLICY.maxNameLength);
  assert.throws(() => customerNumericId('gid://shopify/Order/42'), /not a Shopify customer id/);
  assert.throws(() => customerNumericId('gid://shopify/Customer/99999999999999999999'), /not a Shopify customer id/);
});

test('one job per (customer, segment) with a deterministic id; segments no longer defined are left out', () => {
  const jobs = flowTriggerJobs(
    SHOP,
    [
      { customerId: 'gid://shopify/Customer/2', segmentKey: 'champions' },
      { customerId: 'gid://shopify/Customer/1', segmentKey: 'champions' },
      { customerId: 'gid://shopify/Customer/1', segmentKey: 'champions' },
      { customerId: 'gid://shopify/Customer/1', segmentKey: 'rule-gone' },
      { customerId: 'gid://shopify/Customer/3', segmentKey: 'at-risk' },
    ],
    definitions,
    'run-7',
  );
  assert.deepEqual(jobs.map((j) => `${j.segmentKey} ${j.customerId} ${j.segmentName}`), ['at-risk gid://shopify/Customer/3 At risk', 'champions gid://shopify/Customer/1 Champions', 'champions gid://shopify/Customer/2 Champions']);
  assert.equal(flowTriggerJobId(jobs[0] as FlowTriggerJob), `flow|${SHOP}|gid://shopify/Customer/3|at-risk|run-7`);
});

function fakeClient(answer: (variables: Record<string, unknown>) => unknown): AdminClient & { calls: Array<Record<string, unknown>>; peak: number } {
  let inFlight = 0;
  const client = {
    shop: SHOP,
    calls: [] as Array<Record<string, unknown>>,
    peak: 0,
    async request<T>(_key: string, _document: string, variables: Record<string, unknown> = {}): Promise<T> {
      client.calls.push(variables);
      inFlight++;
      client.peak = Math.max(client.peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return answer(variables) as T;
    },
  };
  return client as unknown as AdminClient & { calls: Array<Record<string, unknown>>; peak: number };
}

const starts = (n: number) => Array.from({ length: n }, (_, i) => ({ customerId: `gid://shopify/Customer/${i + 1}`, segmentKey: 'champions' }));

test('without a queue: sent here, a few at a time; userErrors and transport failures are counted, never thrown', async () => {
  const client = fakeClient((variables) => {
    const id = (variables.payload as { customer_id: number }).customer_id;
    if (id === 3) throw new RefineryError('UPSTREAM_UNAVAILABLE', 'Shopify failed flowTriggerReceive');
    return { flowTriggerReceive: { userErrors: id === 5 ? [{ field: ['payload'], message: 'refused' }] : [] } };
  });
  const result = await dispatchFlowTriggers(flowTriggerJobs(SHOP, starts(12), definitions, 'run-1'), { client });
  assert.equal(result.fired, 10);
  assert.equal(result.failed, 2);
  assert.equal(result.errors.length, 2);
  assert.ok(result.errors.every((e) => e.code === 'FLOW_TRIGGER'));
  assert.equal(client.calls.length, 12);
  assert.ok(client.calls.every((c) => c.handle === FLOW_TRIGGER_HANDLE));
  assert.ok(client.peak <= FLOW_POLICY.inlineConcurrency && client.peak > 1, `peak concurrency ${client.peak}`);
});

test('with a queue: one flowTrigger job each, with its deterministic id; a refused enqueue is counted', async () => {
  const enqueued: Array<{ kind: string; jobId?: string }> = [];
  const queue: JobQueue = {
    async enqueue(kind, data, options = {}) {
      if ((data as FlowTriggerJob).customerId === 'gid://shopify/Customer/2') throw new Error('Redis is away');
      enqueued.push({ kind, ...(options.jobId ? { jobId: options.jobId } : {}) });
    },
  };
  const client = fakeClient(() => assert.fail('nothing is sent inline when there is a queue'));
  const result = await dispatchFlowTriggers(flowTriggerJobs(SHOP, starts(3), definitions, 'run-1'), { queue, client });
  assert.deepEqual(result, { fired: 2, failed: 1, errors: [result.errors[0]] });
  assert.deepEqual(enqueued.map((e) => e.kind), ['flowTrigger', 'flowTrigger']);
  assert.equal(enqueued[0]?.jobId, `flow|${SHOP}|gid://shopify/Customer/1|champions|run-1`);
});
