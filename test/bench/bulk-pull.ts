// Bench: pull N orders (default 1,000,000) from a bulk export through the real SDK into a SQLite
// store, and report wall time and this process's peak resident memory. The emulator runs in a
// child process so its memory is not counted.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createAdminClient } from '../../connectors/shopify/admin-client.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { ordersStream } from '../../connectors/shopify/streams.ts';
import { createStore } from '../../app/store/create-store.ts';

export interface BulkPullResult {
  orders: number;
  customers: number;
  seconds: number;
  peakRssMiB: number;
  ordersPerSecond: number;
}

export async function benchBulkPull(options: { orders: number; customers: number; log: (line: string) => void }): Promise<BulkPullResult> {
  const shop = 'bench-store.myshopify.com';
  const token = 'shpat_bench';
  const child = spawn(process.execPath, [fileURLToPath(new URL('./emulator-process.ts', import.meta.url)), shop, token, String(options.customers), String(options.orders)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const dir = mkdtempSync(join(tmpdir(), 'refinery-bench-'));
  try {
    options.log(`seeding the emulator (child process) with ${options.orders.toLocaleString('en')} orders…`);
    const origin = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (line) => resolve((JSON.parse(line) as { origin: string }).origin));
      child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
    });
    const store = await createStore({ sqlitePath: join(dir, 'bench.db') });
    await store.ensureShop(shop, new Date().toISOString());
    const client = createAdminClient({ shop, accessToken: token, adminOrigin: origin }, { now: Date.now, sleep: realSleep, random: Math.random });
    const started = performance.now();
    let saved = 0;
    let nextReport = 100_000;
    // The export's own progress (started, running with n objects, completed) with the time it came.
    const onProgress = (_stream: string, message: string) => {
      if (!message.includes('lines saved')) options.log(`  ${((performance.now() - started) / 1000).toFixed(1)} s: ${message}`);
    };
    for await (const page of ordersStream.pull({ client, full: true, pageSize: 2000, pollIntervalMs: 200, onProgress }, null)) {
      await store.savePage(shop, { orders: page.records, checkpoint: { stream: ordersStream.name, value: page.checkpoint } });
      saved += page.records.length;
      if (saved >= nextReport) {
        options.log(`  ${saved.toLocaleString('en')} orders saved, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
        nextReport += 100_000;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const counted = await store.countOrders(shop);
    await store.close();
    // maxRSS is in KiB on Linux.
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    return { orders: counted, customers: options.customers, seconds: Math.round(seconds * 10) / 10, peakRssMiB, ordersPerSecond: Math.round(counted / seconds) };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
