// Argument checks shared by both backends, done before touching the database so that a call that
// cannot be right fails the same way (RefineryError INPUT/VALIDATION) on every backend.
import { RefineryError } from '../../core/errors.ts';
import type { MembershipWrite, RemoteSegment, SegmentSnapshot, ShopSettings } from './store.ts';

export const DEFAULT_PAGE_SIZE = 1000;
export const DEFAULT_RUN_LIMIT = 50;

export function checkShopId(shopId: string): string {
  if (typeof shopId !== 'string' || shopId.length === 0) throw new RefineryError('INPUT', 'shop id must be a non-empty string');
  return shopId;
}

export function checkPositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RefineryError('INPUT', `${name} must be a positive integer (got ${value})`);
  return value;
}

export function checkSettings(settings: ShopSettings): ShopSettings {
  if (typeof settings !== 'object' || settings === null || typeof settings.tagPrefix !== 'string') {
    throw new RefineryError('VALIDATION', 'shop settings need a string tagPrefix');
  }
  return settings;
}

function isPair(value: unknown): value is { segmentKey: string; customerId: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { segmentKey, customerId } = value as { segmentKey?: unknown; customerId?: unknown };
  return typeof segmentKey === 'string' && segmentKey !== '' && typeof customerId === 'string' && customerId !== '';
}

export function checkMembershipWrite(write: MembershipWrite): MembershipWrite {
  if (!Array.isArray(write.added) || !Array.isArray(write.removed) || typeof write.at !== 'string') {
    throw new RefineryError('VALIDATION', 'a membership write needs added and removed arrays and an at timestamp');
  }
  for (const pair of [...write.added, ...write.removed]) {
    if (!isPair(pair)) throw new RefineryError('VALIDATION', `bad membership pair ${JSON.stringify(pair)}: segmentKey and customerId must be non-empty strings`);
  }
  return write;
}

export function checkRemoteSegment(segment: RemoteSegment): RemoteSegment {
  if (typeof segment.segmentKey !== 'string' || segment.segmentKey === '' || typeof segment.remoteId !== 'string' || segment.remoteId === '') {
    throw new RefineryError('VALIDATION', 'a remote segment needs a non-empty segmentKey and remoteId');
  }
  return segment;
}

export function checkSnapshots(snapshots: SegmentSnapshot[]): SegmentSnapshot[] {
  const keys = new Set<string>();
  for (const snapshot of snapshots) {
    const key = snapshot.definition?.key;
    if (typeof key !== 'string' || key === '') throw new RefineryError('VALIDATION', 'every snapshot needs a definition with a non-empty key');
    if (keys.has(key)) throw new RefineryError('VALIDATION', `segment key ${JSON.stringify(key)} appears twice in one snapshot`);
    keys.add(key);
    for (const field of ['size', 'revenue', 'revenueShare'] as const) {
      if (!Number.isFinite(snapshot[field])) throw new RefineryError('VALIDATION', `snapshot ${key}: ${field} must be a finite number`);
    }
    if (!Number.isSafeInteger(snapshot.size) || snapshot.size < 0) throw new RefineryError('VALIDATION', `snapshot ${key}: size must be a whole number`);
  }
  return snapshots;
}
