// The standalone entry prints its origin, serves a portal, and stops on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

describe('hubspot emulator: main.ts', () => {
  it('starts, prints the origin and answers with the given token', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./main.ts', import.meta.url)), '--port', '0', '--token', 'pat-main-test', '--rate', '190'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const lines = createInterface({ input: child.stdout });
      const [origin] = (await once(lines, 'line')) as [string];
      assert.match(origin, /^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${origin}/crm/v3/objects/contacts`, { headers: { Authorization: 'Bearer pat-main-test' } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-hubspot-ratelimit-max'), '190');
      assert.deepEqual(await response.json(), { results: [] });
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });
});
