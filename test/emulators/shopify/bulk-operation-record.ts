// The state of one bulk operation (query or mutation) and its BulkOperation GraphQL view.
import { formatTimestamp } from './columns.ts';
import { toGid } from './gid.ts';
import type { BulkOperationSnapshot } from './types.ts';

export type BulkStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELING' | 'CANCELED' | 'EXPIRED';
export type BulkType = 'QUERY' | 'MUTATION';
export type BulkErrorCode = 'INTERNAL_SERVER_ERROR' | 'TIMEOUT' | 'ACCESS_DENIED';

export interface BulkOperationRecord {
  readonly id: number;
  readonly shop: string;
  readonly type: BulkType;
  readonly query: string;
  readonly createdAt: number;
  status: BulkStatus;
  errorCode: BulkErrorCode | null;
  completedAt: number;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number;
  /** Result file on disk (complete or partial). */
  filePath: string | null;
  /** Whether the file is served as `url` (complete) or `partialDataUrl` (failed / canceled). */
  partial: boolean;
}

export function isActive(record: BulkOperationRecord): boolean {
  return record.status === 'CREATED' || record.status === 'RUNNING' || record.status === 'CANCELING';
}

export function resultUrl(origin: string, record: BulkOperationRecord): string {
  return `${origin}/bulk/${record.id}.jsonl`;
}

/** The BulkOperation object as the schema exposes it (UnsignedInt64 values are strings). */
export function bulkOperationView(origin: string, record: BulkOperationRecord): Record<string, unknown> {
  const finished = !isActive(record);
  const hasFile = record.filePath !== null && record.fileSize > 0;
  const url = finished && hasFile && !record.partial && (record.type === 'MUTATION' || record.objectCount > 0) ? resultUrl(origin, record) : null;
  const partialDataUrl = finished && hasFile && record.partial ? resultUrl(origin, record) : null;
  return {
    __typename: 'BulkOperation',
    id: toGid('BulkOperation', record.id),
    type: record.type,
    status: record.status,
    errorCode: record.errorCode,
    createdAt: formatTimestamp(record.createdAt),
    completedAt: formatTimestamp(record.completedAt),
    objectCount: String(record.objectCount),
    rootObjectCount: String(record.rootObjectCount),
    fileSize: finished && hasFile ? String(record.fileSize) : null,
    url,
    partialDataUrl,
    query: record.query,
  };
}

export function bulkSnapshot(origin: string, record: BulkOperationRecord): BulkOperationSnapshot {
  const view = bulkOperationView(origin, record);
  return {
    id: toGid('BulkOperation', record.id),
    type: record.type,
    status: record.status,
    errorCode: record.errorCode,
    objectCount: record.objectCount,
    rootObjectCount: record.rootObjectCount,
    url: view['url'] as string | null,
    partialDataUrl: view['partialDataUrl'] as string | null,
  };
}
