// Caller-provided feature rows -> the number matrix the classifier needs.
//
// Missing values are imputed here, not rejected: a feature that is null, undefined, NaN or
// +-Infinity (or absent from the row) takes that feature's median over the training rows' finite
// values (0 when the training rows have none). The medians are kept with the model, so scoring
// at T and re-scoring one customer later fill the same values as training did, and imputed cells
// are counted so a report can show how much was filled. Keys not in the feature list are ignored.
//
// Skew: customer features are mostly counts, money and day spans: non-negative and long-tailed,
// a poor fit for a Gaussian per class. With logTransform 'auto' (the default) a feature whose
// training values are all >= 0 is used as log(1 + x) (a scoring value below 0 counts as 0);
// features with negative values are used as they are. The choice is kept in the schema.
import { RefineryError } from '../errors.ts';

export type FeatureValue = number | null | undefined;

export interface FeatureRow {
  /** Customer (profile) id: unique within one call. */
  id: string;
  features: Readonly<Record<string, FeatureValue>>;
}

export interface LabelledFeatureRow extends FeatureRow {
  label: boolean;
}

export interface FeatureSchema {
  /** Column order. */
  names: string[];
  /** Value used for a missing cell, per column: the training median (before any transform). */
  fill: number[];
  /** Per column: used as log(1 + max(0, x)). */
  log: boolean[];
}

export type LogTransform = 'auto' | 'none';

export interface FeatureMatrix {
  matrix: number[][];
  /** Imputed cells per feature name. */
  imputed: Record<string, number>;
  imputedCells: number;
}

function usable(value: FeatureValue): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The given names (checked), or the sorted union of the rows' keys. */
export function resolveFeatureNames(rows: readonly FeatureRow[], names?: readonly string[]): string[] {
  if (names !== undefined) {
    if (names.length === 0) throw new RefineryError('VALIDATION', 'feature list is empty');
    if (new Set(names).size !== names.length) throw new RefineryError('VALIDATION', 'feature list has duplicates');
    return [...names];
  }
  const all = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row.features)) all.add(key);
  const sorted = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) throw new RefineryError('VALIDATION', 'rows have no features');
  return sorted;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

export function fitFeatureSchema(
  rows: readonly FeatureRow[],
  names?: readonly string[],
  logTransform: LogTransform = 'auto',
): FeatureSchema {
  const resolved = resolveFeatureNames(rows, names);
  const fill: number[] = [];
  const log: boolean[] = [];
  for (const name of resolved) {
    const values: number[] = [];
    for (const row of rows) {
      const v = row.features[name];
      if (usable(v)) values.push(v);
    }
    fill.push(median(values) ?? 0);
    log.push(logTransform === 'auto' && values.every((v) => v >= 0));
  }
  return { names: resolved, fill, log };
}

export function toFeatureVector(schema: FeatureSchema, row: FeatureRow, imputed?: Record<string, number>): number[] {
  return schema.names.map((name, j) => {
    const given = Object.hasOwn(row.features, name) ? row.features[name] : undefined;
    let v = schema.fill[j] ?? 0;
    if (usable(given)) v = given;
    else if (imputed !== undefined) imputed[name] = (imputed[name] ?? 0) + 1;
    return schema.log[j] === true ? Math.log1p(Math.max(0, v)) : v;
  });
}

export function toFeatureMatrix(schema: FeatureSchema, rows: readonly FeatureRow[]): FeatureMatrix {
  const imputed: Record<string, number> = {};
  const matrix = rows.map((row) => toFeatureVector(schema, row, imputed));
  const imputedCells = Object.values(imputed).reduce((sum, c) => sum + c, 0);
  return { matrix, imputed, imputedCells };
}
