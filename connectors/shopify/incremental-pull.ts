// Incremental pull: pages of records updated since the checkpoint, sorted by updated_at, through
// the ordinary connections (cost-limited, so the admin client paces them). The checkpoint after
// each page is the last record's updated_at; the filter is inclusive so ties are never lost.
import type { StreamCheckpoint } from './checkpoint.ts';
import { formatCheckpoint, updatedSince } from './checkpoint.ts';
import type { PullContext, StreamPage } from './stream.ts';

export interface Connection<N> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: N[];
}

export async function* incrementalPull<N extends { updatedAt: string }, T>(
  ctx: PullContext,
  stream: string,
  since: StreamCheckpoint & { mode: 'incremental' },
  fetchPage: (query: string, after: string | null) => Promise<Connection<N>>,
  toRecords: (nodes: N[]) => Promise<T[]>,
): AsyncGenerator<StreamPage<T>> {
  const query = updatedSince(since.updatedAtMin);
  let after: string | null = null;
  let mark = since.updatedAtMin;
  let read = 0;
  for (;;) {
    const page: Connection<N> = await fetchPage(query, after);
    const records = await toRecords(page.nodes);
    for (const node of page.nodes) if (Date.parse(node.updatedAt) > Date.parse(mark)) mark = node.updatedAt;
    read += records.length;
    yield { records, checkpoint: formatCheckpoint({ mode: 'incremental', updatedAtMin: mark }) };
    ctx.onProgress?.(stream, `${read} changed records read`);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
  }
}
