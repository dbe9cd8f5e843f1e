import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiRequestError, RETRY_INVALID_SESSION_HEADER, createApiClient, errorFromResponse, issuesByPath } from './api-client.ts';

type Call = { url: string; init: RequestInit };

function client(responses: Response[], tokens = ['t1', 't2', 't3']) {
  const calls: Call[] = [];
  let tokenIndex = 0;
  const api = createApiClient({
    fetch: async (url, init) => {
      calls.push({ url, init });
      const next = responses.shift();
      if (!next) throw new Error('no more responses');
      return next;
    },
    idToken: async () => tokens[tokenIndex++] ?? 'tx',
  });
  return { api, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

test('every request carries a bearer session token; bodies are JSON', async () => {
  const { api, calls } = client([json(200, { ok: 1 }), json(200, { saved: true })]);
  assert.deepEqual(await api.get('/overview'), { ok: 1 });
  await api.put('/settings', { tagPrefix: 'x:' });
  assert.equal(calls[0]?.url, '/api/overview');
  assert.equal((calls[0]?.init.headers as Record<string, string>).Authorization, 'Bearer t1');
  assert.equal(calls[1]?.init.method, 'PUT');
  assert.equal(calls[1]?.init.body, '{"tagPrefix":"x:"}');
  assert.equal((calls[1]?.init.headers as Record<string, string>)['Content-Type'], 'application/json');
});

test('a 401 asking for a retry is retried once with a fresh token', async () => {
  const { api, calls } = client([json(401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } }, { [RETRY_INVALID_SESSION_HEADER]: '1' }), json(200, { ok: true })]);
  assert.deepEqual(await api.get('/runs'), { ok: true });
  assert.deepEqual(
    calls.map((c) => (c.init.headers as Record<string, string>).Authorization),
    ['Bearer t1', 'Bearer t2'],
  );
});

test('only once: a second 401 is an error; a 401 without the header is not retried', async () => {
  const retry = { [RETRY_INVALID_SESSION_HEADER]: '1' };
  const twice = client([json(401, { error: { code: 'UNAUTHENTICATED', message: 'expired' } }, retry), json(401, { error: { code: 'UNAUTHENTICATED', message: 'still expired' } }, retry)]);
  await assert.rejects(twice.api.get('/runs'), (e: unknown) => e instanceof ApiRequestError && e.status === 401 && e.message === 'still expired');
  assert.equal(twice.calls.length, 2);
  const plain = client([json(401, {})]);
  await assert.rejects(plain.api.get('/runs'), (e: unknown) => e instanceof ApiRequestError && e.code === 'UNAUTHENTICATED');
  assert.equal(plain.calls.length, 1);
});

test('errors carry the server code, message and field issues', async () => {
  const { api } = client([json(422, { error: { code: 'VALIDATION', message: 'bad settings', issues: [{ path: 'schedule.timeZone', message: 'unknown zone' }] } })]);
  await assert.rejects(api.put('/settings', {}), (e: unknown) => {
    assert.ok(e instanceof ApiRequestError);
    assert.equal(e.status, 422);
    assert.equal(e.code, 'VALIDATION');
    assert.equal(e.message, 'bad settings');
    assert.deepEqual(issuesByPath(e.issues), { 'schedule.timeZone': 'unknown zone' });
    return true;
  });
});

test('non-JSON failures and network errors become readable errors', async () => {
  assert.equal(errorFromResponse(502, 'Bad Gateway', '<html>').message, 'The request failed (502 Bad Gateway).');
  assert.equal(errorFromResponse(502, 'Bad Gateway', '<html>').code, 'INTERNAL');
  const { api } = client([]);
  await assert.rejects(api.get('/x'), (e: unknown) => e instanceof ApiRequestError && e.code === 'NETWORK');
  assert.deepEqual(issuesByPath([{ path: 'a', message: 'one' }, { path: 'a', message: 'two' }]), { a: 'one; two' });
});
