import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTransport, type FetchLike } from './transport.ts';

const URL_ = 'https://app.example.com/pixel/events';

function recordingFetch(fail = false) {
  const calls: Array<{ url: string; init: Parameters<FetchLike>[1] }> = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    if (fail) throw new TypeError('network');
    return {};
  };
  return { calls, fetch };
}

test('sendBeacon when available', async () => {
  const beacons: Array<[string, string | undefined]> = [];
  const { calls, fetch } = recordingFetch();
  const transport = createTransport({ endpoint: URL_, sendBeacon: async (url, body) => (beacons.push([url, body]), true), fetch });
  assert.equal(await transport.send('{"v":1}'), 'beacon');
  assert.deepEqual(beacons, [[URL_, '{"v":1}']]);
  assert.equal(calls.length, 0);
});

test('fetch with keepalive and text/plain when there is no beacon, or it is refused or throws', async () => {
  for (const sendBeacon of [undefined, async () => false, async () => Promise.reject(new Error('nope')), () => false]) {
    const { calls, fetch } = recordingFetch();
    const transport = createTransport({ endpoint: URL_, sendBeacon, fetch });
    assert.equal(await transport.send('{"v":1}'), 'fetch');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.url, URL_);
    assert.deepEqual(calls[0]?.init, { method: 'POST', body: '{"v":1}', keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } });
  }
});

test('a failed fetch, or no way to send, is a value, not a throw', async () => {
  assert.equal(await createTransport({ endpoint: URL_, fetch: recordingFetch(true).fetch }).send('{}'), 'failed');
  assert.equal(await createTransport({ endpoint: URL_ }).send('{}'), 'failed');
});
