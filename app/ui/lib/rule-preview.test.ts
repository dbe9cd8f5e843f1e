import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RulePreviewResponse } from '../../server/api/api-types.ts';
import { checkSegmentKey, createRulePreviewer, describeProblem, slugify, type RulePreviewState, type Timers } from './rule-preview.ts';

/** Timers driven by hand: `tick(ms)` runs what is due. */
function fakeTimers(): Timers & { tick(ms: number): void; pending(): number } {
  let now = 0;
  let next = 1;
  const queue = new Map<number, { at: number; fn: () => void }>();
  return {
    setTimeout(fn, ms) {
      const id = next++;
      queue.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      queue.delete(handle as number);
    },
    tick(ms) {
      now += ms;
      for (const [id, t] of [...queue].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) {
          queue.delete(id);
          t.fn();
        }
      }
    },
    pending: () => queue.size,
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

test('typing is debounced: one request for the text after the pause', async () => {
  const timers = fakeTimers();
  const sent: string[] = [];
  const states: RulePreviewState[] = [];
  const previewer = createRulePreviewer({
    delayMs: 300,
    timers,
    preview: async (rule) => {
      sent.push(rule);
      return { ok: true, size: 12, share: 0.1, sampleMemberRefs: [] };
    },
    onState: (s) => states.push(s),
  });
  previewer.update('a');
  timers.tick(100);
  previewer.update('am');
  timers.tick(100);
  previewer.update('amount_spent > 5');
  assert.equal(previewer.state.status, 'pending');
  timers.tick(299);
  assert.deepEqual(sent, []);
  timers.tick(1);
  assert.deepEqual(sent, ['amount_spent > 5']);
  assert.equal(previewer.state.status, 'loading');
  await flush();
  assert.deepEqual(previewer.state, { status: 'ok', rule: 'amount_spent > 5', size: 12, share: 0.1, sampleMemberRefs: [] });
  assert.deepEqual(
    states.map((s) => s.status),
    ['pending', 'pending', 'pending', 'loading', 'ok'],
  );
});

test('a late answer for an older text is dropped', async () => {
  const timers = fakeTimers();
  const answers = new Map<string, ReturnType<typeof deferred<RulePreviewResponse>>>();
  const previewer = createRulePreviewer({
    delayMs: 10,
    timers,
    preview: (rule) => {
      const d = deferred<RulePreviewResponse>();
      answers.set(rule, d);
      return d.promise;
    },
    onState: () => undefined,
  });
  previewer.update('old');
  timers.tick(10);
  previewer.update('new');
  timers.tick(10);
  answers.get('new')?.resolve({ ok: true, size: 2, share: 0, sampleMemberRefs: [] });
  await flush();
  answers.get('old')?.resolve({ ok: true, size: 999, share: 1, sampleMemberRefs: [] });
  await flush();
  assert.equal(previewer.state.status, 'ok');
  assert.equal(previewer.state.status === 'ok' && previewer.state.size, 2);
});

test('problems, errors, empty text and dispose', async () => {
  const timers = fakeTimers();
  let fail = false;
  const previewer = createRulePreviewer({
    delayMs: 5,
    timers,
    preview: async () => {
      if (fail) throw new Error('server down');
      return { ok: false, problems: [{ line: 1, column: 3, message: 'unknown field ordrs', suggestion: 'orders_count' }] };
    },
    onState: () => undefined,
  });
  previewer.update('x ordrs');
  timers.tick(5);
  await flush();
  assert.equal(previewer.state.status, 'invalid');
  fail = true;
  previewer.update('y');
  timers.tick(5);
  await flush();
  assert.deepEqual(previewer.state, { status: 'error', rule: 'y', message: 'server down' });
  previewer.update('   ');
  assert.deepEqual(previewer.state, { status: 'idle' });
  assert.equal(timers.pending(), 0, 'no request for blank text');
  previewer.update('z');
  previewer.dispose();
  assert.equal(timers.pending(), 0, 'dispose cancels the pending preview');
});

test('flush previews at once', async () => {
  const timers = fakeTimers();
  const sent: string[] = [];
  const previewer = createRulePreviewer({ timers, preview: async (r) => (sent.push(r), { ok: true, size: 1, share: 0, sampleMemberRefs: [] }), onState: () => undefined });
  previewer.update('orders_count > 1');
  previewer.flush();
  assert.deepEqual(sent, ['orders_count > 1']);
  assert.equal(timers.pending(), 0);
});

test('problem text, keys and slugs', () => {
  assert.equal(describeProblem({ line: 2, column: 7, message: 'unknown field ordrs', suggestion: 'orders_count' }), 'line 2, column 7: unknown field ordrs (did you mean orders_count?)');
  assert.equal(describeProblem({ line: 1, column: 1, message: 'empty rule', suggestion: null }), 'line 1, column 1: empty rule');
  assert.equal(checkSegmentKey('big-spenders'), null);
  assert.match(checkSegmentKey('') ?? '', /required/);
  assert.match(checkSegmentKey('Big Spenders') ?? '', /lower-case/);
  assert.match(checkSegmentKey('a--b') ?? '', /lower-case/);
  assert.equal(slugify('Big spenders!'), 'big-spenders');
  assert.equal(slugify('  Café  crème '), 'cafe-creme');
  assert.equal(slugify('***'), '');
});
