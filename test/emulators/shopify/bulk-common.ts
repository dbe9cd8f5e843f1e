// What bulk queries and bulk mutations share: records, the concurrency limit, streamed JSONL
// output with back-pressure, and bookkeeping of background runs.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { nowSeconds } from './columns.ts';
import type { EmulatorCore } from './context.ts';
import type { BulkErrorCode, BulkOperationRecord, BulkType } from './bulk-operation-record.ts';
import { isActive } from './bulk-operation-record.ts';
import type { ShopState } from './shop-state.ts';

export const MAX_CONCURRENT_BULK = { QUERY: 5, MUTATION: 5 } as const;

export function activeCount(shop: ShopState, type: BulkType): number {
  return shop.bulkOperations.filter((op) => op.type === type && isActive(op)).length;
}

export function createBulkRecord(core: EmulatorCore, shop: ShopState, type: BulkType, query: string): BulkOperationRecord {
  const record: BulkOperationRecord = {
    id: core.nextId(),
    shop: shop.domain,
    type,
    query,
    createdAt: nowSeconds(),
    status: 'CREATED',
    errorCode: null,
    completedAt: Number.NaN,
    objectCount: 0,
    rootObjectCount: 0,
    fileSize: 0,
    filePath: null,
    partial: false,
  };
  shop.bulkOperations.push(record);
  core.bulkOperations.set(record.id, record);
  return record;
}

export function finishRecord(record: BulkOperationRecord, status: 'COMPLETED' | 'FAILED' | 'CANCELED', errorCode: BulkErrorCode | null = null): void {
  record.status = status;
  record.errorCode = errorCode;
  record.partial = status !== 'COMPLETED';
  record.completedAt = nowSeconds();
}

/** Whether the run should stop now (cancel requested or emulator closing). */
export function stopRequested(core: EmulatorCore, record: BulkOperationRecord): boolean {
  return core.closing || record.status === 'CANCELING';
}

/** Streams JSONL to a file, honouring back-pressure; counts bytes written. */
export class JsonlWriter {
  readonly path: string;
  bytes = 0;
  private readonly stream: WriteStream;

  constructor(core: EmulatorCore, record: BulkOperationRecord) {
    this.path = join(core.workDir, `bulk-${record.id}.jsonl`);
    this.stream = createWriteStream(this.path);
  }

  async write(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const chunk = `${lines.join('\n')}\n`;
    this.bytes += Buffer.byteLength(chunk);
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

/** Runs a bulk job in the background, marking it FAILED if it throws. */
export function launch(core: EmulatorCore, record: BulkOperationRecord, job: () => Promise<void>): void {
  const run = (async () => {
    await yieldToLoop();
    try {
      await job();
    } catch (error) {
      console.error(`[shopify-emulator] bulk operation ${record.id} crashed:`, error);
      finishRecord(record, 'FAILED', 'INTERNAL_SERVER_ERROR');
    }
  })();
  core.running.add(run);
  void run.finally(() => core.running.delete(run));
}

/** Lets the event loop run between chunks (and waits the shop's bulk pacing, if any). */
export async function betweenChunks(shop: ShopState): Promise<void> {
  if (shop.bulkDelayMs > 0) await sleep(shop.bulkDelayMs);
  else await yieldToLoop();
}

export { yieldToLoop };
