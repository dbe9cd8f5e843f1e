// What a connector stream is: a name, the canonical model it yields, and `pull`, which yields
// pages of records each with the checkpoint to save alongside them.
import type { AdminClient } from './admin-client.ts';

export interface StreamPage<T> {
  records: T[];
  /** Checkpoint text to save in the same transaction as `records`. */
  checkpoint: string;
}

export interface PullContext {
  client: AdminClient;
  /** Ignore the incremental checkpoint and export everything again. */
  full: boolean;
  /** Records per saved page. */
  pageSize: number;
  /** Bulk operation polling; shortened in tests. */
  pollIntervalMs?: number;
  onProgress?: (stream: string, event: string) => void;
}

export interface ConnectorStream<T> {
  name: string;
  model: 'customer' | 'order';
  pull(ctx: PullContext, checkpoint: string | null): AsyncIterable<StreamPage<T>>;
}
