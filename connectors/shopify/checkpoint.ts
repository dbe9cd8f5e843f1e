// A Shopify stream's checkpoint: either a bulk export part-way read, or the updated_at high-water
// mark of incremental pulls. Stored as JSON text; parsed strictly so a corrupt value is noticed.
import { z } from 'zod';
import { RefineryError } from '../../core/errors.ts';

const checkpointSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('bulk'),
    operationId: z.string(),
    url: z.string().nullable(),
    /** Result lines already saved (every line of each saved record, children included). */
    linesDone: z.number().int().nonnegative(),
    /** When the bulk operation was created: the next incremental pull starts there. */
    startedAt: z.string(),
  }),
  z.object({ mode: z.literal('incremental'), updatedAtMin: z.string() }),
]);

export type StreamCheckpoint = z.infer<typeof checkpointSchema>;

export function parseCheckpoint(stream: string, text: string | null): StreamCheckpoint | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RefineryError('STORE', `checkpoint of ${stream} is not JSON: ${text.slice(0, 80)}`);
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) throw new RefineryError('STORE', `checkpoint of ${stream} is malformed: ${parsed.error.message}`);
  return parsed.data;
}

export const formatCheckpoint = (checkpoint: StreamCheckpoint): string => JSON.stringify(checkpoint);

/** Shopify search filter for records updated at or after `iso`. */
export function updatedSince(iso: string): string {
  return `updated_at:>='${new Date(iso).toISOString()}'`;
}

/** Where incremental pulls start after a bulk export: a little before it began, for clock skew. */
export function afterBulk(startedAt: string): StreamCheckpoint {
  return { mode: 'incremental', updatedAtMin: new Date(Date.parse(startedAt) - 5 * 60_000).toISOString() };
}
