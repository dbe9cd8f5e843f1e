// How each kind of segment is named and coloured in the UI. Pure.
import type { SegmentKind } from '../../../core/model.ts';

export const SEGMENT_KINDS: readonly SegmentKind[] = ['rfm', 'cluster', 'prediction', 'micro', 'rule'];

export const KIND_LABELS: Readonly<Record<SegmentKind, string>> = {
  rfm: 'RFM group',
  cluster: 'Cluster',
  prediction: 'Prediction',
  micro: 'Micro-segment',
  rule: 'Rule',
};

export const KIND_COLORS: Readonly<Record<SegmentKind, string>> = {
  rfm: '#2c6ecb',
  cluster: '#8051d6',
  prediction: '#29845a',
  micro: '#c05717',
  rule: '#0094d5',
};

export type BadgeTone = 'info' | 'success' | 'warning' | 'critical' | 'attention' | 'new' | 'magic';

export const KIND_TONES: Readonly<Record<SegmentKind, BadgeTone | undefined>> = {
  rfm: 'info',
  cluster: 'magic',
  prediction: 'success',
  micro: 'attention',
  rule: undefined,
};

/** Rows ordered by kind (in SEGMENT_KINDS order), then largest first. */
export function byKindThenSize<T extends { kind: SegmentKind; size: number; name: string }>(rows: readonly T[]): T[] {
  const rank = (kind: SegmentKind) => SEGMENT_KINDS.indexOf(kind);
  return [...rows].sort((a, b) => rank(a.kind) - rank(b.kind) || b.size - a.size || a.name.localeCompare(b.name));
}

/** Total people per kind (a person may be in several segments, so kinds overlap). */
export function sizeByKind(rows: ReadonlyArray<{ kind: SegmentKind; size: number }>): Array<{ kind: SegmentKind; size: number; segments: number }> {
  return SEGMENT_KINDS.map((kind) => {
    const of = rows.filter((r) => r.kind === kind);
    return { kind, size: of.reduce((sum, r) => sum + r.size, 0), segments: of.length };
  }).filter((k) => k.segments > 0);
}
