// The contacts stream's checkpoint: a full read part-way (the page cursor), or the
// lastmodifieddate high-water mark of incremental reads.
import { z } from 'zod';
import { RefineryError } from '../../core/errors.ts';

const schema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('full'), after: z.string().nullable(), startedAt: z.string() }),
  z.object({ mode: z.literal('incremental'), since: z.string() }),
]);

export type ContactCheckpoint = z.infer<typeof schema>;

export function parseContactCheckpoint(text: string | null): ContactCheckpoint | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RefineryError('STORE', `checkpoint of hubspot.contacts is not JSON: ${text.slice(0, 80)}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RefineryError('STORE', `checkpoint of hubspot.contacts is malformed: ${parsed.error.message}`);
  return parsed.data;
}

export const formatContactCheckpoint = (c: ContactCheckpoint): string => JSON.stringify(c);
