// Reads an order CSV file from disk in chunks through the pure core reader.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { RefineryError } from '../../core/errors.ts';
import { createOrderFileReader, type OrderFileResult } from '../../core/csv/order-file.ts';
import type { Order } from '../../core/model.ts';

/** Largest file accepted (the reader holds Online Retail invoices in memory until the end). */
export const MAX_ORDER_FILE_BYTES = 512 * 1024 * 1024;

export async function readOrderFile(path: string, onProgress?: (bytes: number, total: number) => void): Promise<OrderFileResult> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new RefineryError('INPUT', `${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof RefineryError) throw error;
    throw new RefineryError('INPUT', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (size > MAX_ORDER_FILE_BYTES) throw new RefineryError('INPUT', `${path} is ${size} bytes; the limit is ${MAX_ORDER_FILE_BYTES}`);
  const reader = createOrderFileReader();
  const orders: Order[] = [];
  const errors: OrderFileResult['errors'] = [];
  let bytes = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    bytes += Buffer.byteLength(chunk as string);
    const batch = reader.push(chunk as string);
    orders.push(...batch.orders);
    errors.push(...batch.errors);
    onProgress?.(bytes, size);
  }
  const last = reader.end();
  return { ...last, orders: [...orders, ...last.orders], errors: [...errors, ...last.errors] };
}
