// One native Shopify segment per refined segment. Created once; when its name or query changes,
// updated in place. If the id we hold no longer exists (deleted in the admin) it is created again;
// if creating fails because the name is taken (a crash lost the id we were given), the existing
// segment is adopted when its query is ours, so a segment is never duplicated.
import { RefineryError } from '../../core/errors.ts';
import type { AdminClient } from './admin-client.ts';
import { SEGMENT_CREATE, SEGMENT_DELETE, SEGMENT_UPDATE, SEGMENTS_PAGE } from './documents.ts';

export interface DesiredSegment {
  key: string;
  name: string;
  query: string;
}

export interface KnownSegment {
  segmentKey: string;
  remoteId: string;
  name: string;
  query: string;
}

interface RemoteSegment {
  id: string;
  name: string;
  query: string;
}

interface SegmentPayload {
  segment: RemoteSegment | null;
  userErrors: Array<{ field: string[] | null; message: string }>;
}

export interface SegmentPushResult {
  created: number;
  updated: number;
  adopted: number;
  failed: Array<{ key: string; message: string }>;
}

async function listAll(client: AdminClient): Promise<RemoteSegment[]> {
  const all: RemoteSegment[] = [];
  let after: string | null = null;
  for (;;) {
    const data: { segments: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: RemoteSegment[] } } =
      await client.request('segmentsPage', SEGMENTS_PAGE, { first: 100, after });
    all.push(...data.segments.nodes);
    if (!data.segments.pageInfo.hasNextPage || !data.segments.pageInfo.endCursor) return all;
    after = data.segments.pageInfo.endCursor;
  }
}

const messages = (p: SegmentPayload | null | undefined) => p?.userErrors.map((e) => e.message).join('; ') ?? 'no payload';
const looksMissing = (text: string) => /not (be )?found|does not exist/i.test(text);
const looksTaken = (text: string) => /taken|already exists|must be unique/i.test(text);

export async function pushSegments(
  client: AdminClient,
  desired: DesiredSegment[],
  known: KnownSegment[],
  onSaved: (segment: KnownSegment) => Promise<void>,
): Promise<SegmentPushResult> {
  const result: SegmentPushResult = { created: 0, updated: 0, adopted: 0, failed: [] };
  const byKey = new Map(known.map((k) => [k.segmentKey, k]));
  let remoteList: RemoteSegment[] | null = null;

  const create = async (want: DesiredSegment): Promise<void> => {
    const data = await client.request<{ segmentCreate: SegmentPayload | null }>('segmentCreate', SEGMENT_CREATE, { name: want.name, query: want.query });
    const payload = data.segmentCreate;
    if (payload?.segment && payload.userErrors.length === 0) {
      result.created++;
      await onSaved({ segmentKey: want.key, remoteId: payload.segment.id, name: payload.segment.name, query: payload.segment.query });
      return;
    }
    const text = messages(payload);
    if (!looksTaken(text)) throw new RefineryError('VALIDATION', `Shopify refused segment "${want.name}": ${text}`);
    remoteList ??= await listAll(client);
    const existing = remoteList.find((s) => s.name === want.name);
    if (!existing || existing.query.trim() !== want.query.trim()) {
      throw new RefineryError('CONFLICT', `a segment named "${want.name}" already exists in Shopify and was not created by this app; rename or delete it`);
    }
    result.adopted++;
    await onSaved({ segmentKey: want.key, remoteId: existing.id, name: existing.name, query: existing.query });
  };

  for (const want of desired) {
    try {
      const have = byKey.get(want.key);
      if (!have) {
        await create(want);
        continue;
      }
      if (have.name === want.name && have.query === want.query) continue;
      const data = await client.request<{ segmentUpdate: SegmentPayload | null }>('segmentUpdate', SEGMENT_UPDATE, {
        id: have.remoteId,
        name: want.name,
        query: want.query,
      });
      const payload = data.segmentUpdate;
      if (payload?.segment && payload.userErrors.length === 0) {
        result.updated++;
        await onSaved({ segmentKey: want.key, remoteId: payload.segment.id, name: payload.segment.name, query: payload.segment.query });
      } else if (looksMissing(messages(payload))) {
        await create(want);
      } else {
        throw new RefineryError('VALIDATION', `Shopify refused to update segment "${want.name}": ${messages(payload)}`);
      }
    } catch (error) {
      if (error instanceof RefineryError && !error.retriable) {
        result.failed.push({ key: want.key, message: error.message });
        continue;
      }
      throw error;
    }
  }
  return result;
}

/**
 * Deletes a native segment this app created (a segment the merchant no longer wants, e.g. a
 * removed rule). One already gone counts as deleted; any other refusal is a VALIDATION error.
 */
export async function deleteSegment(client: AdminClient, remoteId: string): Promise<void> {
  const data = await client.request<{ segmentDelete: { deletedSegmentId: string | null; userErrors: Array<{ field: string[] | null; message: string }> } | null }>(
    'segmentDelete',
    SEGMENT_DELETE,
    { id: remoteId },
  );
  const payload = data.segmentDelete;
  if (payload?.deletedSegmentId) return;
  const text = payload?.userErrors.map((e) => e.message).join('; ') ?? 'no payload';
  if (looksMissing(text)) return;
  throw new RefineryError('VALIDATION', `Shopify refused to delete segment ${remoteId}: ${text}`);
}
