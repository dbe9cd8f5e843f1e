// The Shopify side of a connector stream: what `pull` is given.
import type { Stream, StreamPage } from '../shared/stream.ts';
import type { AdminClient } from './admin-client.ts';

export type { StreamPage };

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

export type ConnectorStream<T> = Stream<T, PullContext>;
