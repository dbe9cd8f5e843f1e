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
import { medianInPlace } from '../features/stats.ts';
import { rowOf, type DenseMatrix } from './dense-matrix.ts';

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

/** Below this share of training rows with a usable value, a feature is left out (when names are not given). */
export const MIN_KNOWN_SHARE = 0.01;

/**
 * The given names (checked), or the sorted union of the rows' keys, without the features that too
 * few rows know (fewer than MIN_KNOWN_SHARE of them, at least one): such a column would be all
 * imputed, a constant the model learns nothing from, while the rows it scores later may well know
 * it (storefront events, say, recorded only since the web pixel was installed, after the training
 * date). The rows have no features (VALIDATION) when none is left.
 */
export function resolveFeatureNames(rows: readonly FeatureRow[], names?: readonly string[]): string[] {
  if (names !== undefined) {
    if (names.length === 0) throw new RefineryError('VALIDATION', 'feature list is empty');
    if (new Set(names).size !== names.length) throw new RefineryError('VALIDATION', 'feature list has duplicates');
    return [...names];
  }
  const known = new Map<string, number>();
  for (const row of rows) {
    for (const key of Object.keys(row.features)) known.set(key, (known.get(key) ?? 0) + (usable(row.features[key]) ? 1 : 0));
  }
  const needed = Math.max(1, Math.ceil(rows.length * MIN_KNOWN_SHARE));
  const sorted = [...known].filter(([, count]) => count >= needed).map(([key]) => key).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
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
  return schemaOfRaw(resolved, rawValues(rows, resolved), logTransform);
}

/** `fitFeatureSchema` and `toDenseFeatureMatrix` of the same rows, reading each row once. */
export function fitFeatureSchemaAndMatrix(
  rows: readonly FeatureRow[],
  names?: readonly string[],
  logTransform: LogTransform = 'auto',
): { schema: FeatureSchema } & DenseFeatureMatrix {
  const resolved = resolveFeatureNames(rows, names);
  const raw = rawValues(rows, resolved);
  const schema = schemaOfRaw(resolved, raw, logTransform);
  return { schema, ...denseOfRaw(schema, raw) };
}

/**
 * The rows' own usable values (finite numbers) as a dense matrix in column order `names`, NaN
 * where a row has none. One row-major pass: rows are objects, reading them once is what costs.
 */
function rawValues(rows: readonly FeatureRow[], names: readonly string[]): DenseMatrix {
  const d = names.length;
  const data = new Float64Array(rows.length * d);
  // A plain object (prototype Object.prototype or null) can only inherit a usable number under
  // one of these names if Object.prototype itself has one: otherwise a usable value read from it
  // is its own, and the own-property check per cell can be skipped.
  const plainIsSafe = names.every((name) => !usable((Object.prototype as Record<string, FeatureValue>)[name]));
  for (let i = 0; i < rows.length; i += 1) {
    const features = (rows[i] as FeatureRow).features;
    const base = i * d;
    const proto: unknown = Object.getPrototypeOf(features);
    if (plainIsSafe && (proto === Object.prototype || proto === null)) {
      for (let j = 0; j < d; j += 1) {
        const v = features[names[j] as string];
        data[base + j] = usable(v) ? v : Number.NaN;
      }
    } else {
      for (let j = 0; j < d; j += 1) data[base + j] = ownUsable(features, names[j] as string) ?? Number.NaN;
    }
  }
  return { data, rows: rows.length, columns: d };
}

function schemaOfRaw(names: string[], raw: DenseMatrix, logTransform: LogTransform): FeatureSchema {
  const d = raw.columns;
  const fill: number[] = [];
  const log: boolean[] = [];
  // One buffer reused for every column's known values.
  const known = new Float64Array(raw.rows);
  for (let j = 0; j < d; j += 1) {
    let count = 0;
    let negative = false;
    for (let i = j; i < raw.rows * d; i += d) {
      const v = raw.data[i] as number;
      if (v !== v) continue; // NaN: not usable
      known[count++] = v;
      if (v < 0) negative = true;
    }
    fill.push(medianInPlace(known.subarray(0, count)) ?? 0);
    log.push(logTransform === 'auto' && !negative);
  }
  return { names, fill, log };
}

/** A row's own value of a feature when usable (finite number), else undefined. */
function ownUsable(features: Readonly<Record<string, FeatureValue>>, name: string): number | undefined {
  const v = features[name];
  // Only a number needs the own-property check (an inherited property is never used).
  return usable(v) && Object.hasOwn(features, name) ? v : undefined;
}

export function toFeatureVector(schema: FeatureSchema, row: FeatureRow, imputed?: Record<string, number>): number[] {
  return schema.names.map((name, j) => {
    const given = ownUsable(row.features, name);
    let v = schema.fill[j] ?? 0;
    if (given !== undefined) v = given;
    else if (imputed !== undefined) imputed[name] = (imputed[name] ?? 0) + 1;
    return schema.log[j] === true ? Math.log1p(Math.max(0, v)) : v;
  });
}

export interface DenseFeatureMatrix {
  matrix: DenseMatrix;
  /** Imputed cells per feature name (keys in the order of the first imputed cell, row by row). */
  imputed: Record<string, number>;
  imputedCells: number;
}

/** `toFeatureMatrix` into one dense matrix: the same values, without an array per row. */
export function toDenseFeatureMatrix(schema: FeatureSchema, rows: readonly FeatureRow[]): DenseFeatureMatrix {
  return denseOfRaw(schema, rawValues(rows, schema.names));
}

function denseOfRaw(schema: FeatureSchema, raw: DenseMatrix): DenseFeatureMatrix {
  const names = schema.names;
  const d = names.length;
  const fill = Float64Array.from(names, (_, j) => schema.fill[j] ?? 0);
  const log = Uint8Array.from(names, (_, j) => (schema.log[j] === true ? 1 : 0));
  const counts = new Float64Array(d);
  // Position (row * d + column) of each column's first imputed cell: the key order of `imputed`.
  const first = new Float64Array(d).fill(Infinity);
  const data = raw.data; // transformed in place
  for (let i = 0; i < raw.rows; i += 1) {
    const base = i * d;
    for (let j = 0; j < d; j += 1) {
      let v = data[base + j] as number;
      if (v !== v) {
        v = fill[j] as number;
        if (counts[j] === 0) first[j] = base + j;
        counts[j] = (counts[j] as number) + 1;
      }
      data[base + j] = log[j] === 1 ? Math.log1p(Math.max(0, v)) : v;
    }
  }
  const imputed: Record<string, number> = {};
  let imputedCells = 0;
  const byFirst = names.map((_, j) => j).filter((j) => (counts[j] as number) > 0);
  byFirst.sort((a, b) => (first[a] as number) - (first[b] as number));
  for (const j of byFirst) {
    imputed[names[j] as string] = counts[j] as number;
    imputedCells += counts[j] as number;
  }
  return { matrix: { data, rows: raw.rows, columns: d }, imputed, imputedCells };
}

export function toFeatureMatrix(schema: FeatureSchema, rows: readonly FeatureRow[]): FeatureMatrix {
  const dense = toDenseFeatureMatrix(schema, rows);
  const matrix = rows.map((_, i) => rowOf(dense.matrix, i));
  return { matrix, imputed: dense.imputed, imputedCells: dense.imputedCells };
}
