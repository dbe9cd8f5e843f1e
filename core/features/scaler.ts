// Robust scaling of feature rows into the numeric matrix clustering works on.
//
// Per column, fitted on the rows given:
// 1. transform: log1p for heavy-tailed money/count/duration features (negative values are taken
//    as 0 first), identity for shares and flags;
// 2. centre and scale: (t - median) / IQR, with IQR 0 (a constant or near-constant column)
//    replaced by 1, so a constant column becomes all zeros, never NaN;
// 3. missing values (null) take the column median, i.e. 0 after scaling; a column may add a
//    `<feature>:missing` indicator (1 when the value was null, else 0), which tells "unknown
//    engagement" apart from "median engagement";
// 4. optional clip to [-clip, clip] (so one extreme person cannot pull a cluster to itself), then
//    multiply by the column weight (a group of related columns can count as about one feature).
// The fitted scaler is plain JSON data (`ScalerModel`); `loadScaler` turns it back into a scaler.
import { featureInfo, isFeatureName, type FeatureName, type FeatureRow } from './feature-names.ts';
import { quantilesInPlace } from './stats.ts';

export type ScaleTransform = 'log1p' | 'identity';

export interface ScaleColumnSpec {
  feature: FeatureName;
  /** Default: log1p when the feature is heavy-tailed (feature-names.ts), else identity. */
  transform?: ScaleTransform;
  /** Add a `<feature>:missing` column (default false). */
  missingIndicator?: boolean;
  /** Multiplies the scaled value (default 1). The indicator column is not weighted. */
  weight?: number;
}

export interface ScaledColumn {
  feature: FeatureName;
  transform: ScaleTransform;
  /** Median of the transformed non-null values (0 when the column has none). */
  center: number;
  /** IQR of the transformed non-null values; 1 when that IQR is 0 or there are no values. */
  scale: number;
  weight: number;
  missingIndicator: boolean;
  /** Share of rows with a null value when fitted (for reports). */
  missingShare: number;
}

export interface ScalerModel {
  kind: 'robust-scaler';
  version: 1;
  columns: ScaledColumn[];
  /** Scaled values are clipped to [-clip, clip] before weighting; null: no clipping. */
  clip: number | null;
  /** Names of the output columns, in order: each feature, followed by its indicator if any. */
  outputNames: string[];
}

export interface Scaler {
  readonly model: ScalerModel;
  /** One numeric vector per row, columns as `model.outputNames`. */
  transform(rows: readonly FeatureRow[]): number[][];
  /** The vector of one person's values. */
  transformValues(values: Readonly<Partial<Record<FeatureName, number | null>>>): number[];
}

export interface ScalerOptions {
  /** Default 5 (in IQR units); null disables clipping. */
  clip?: number | null;
}

export const DEFAULT_CLIP = 5;

/** The name of a feature's missing-value indicator column. */
export function missingColumnName(feature: FeatureName): string {
  return `${feature}:missing`;
}

/** A transformed value: log1p(max(0, x)) or x. */
export function applyTransform(transform: ScaleTransform, value: number): number {
  return transform === 'log1p' ? Math.log1p(Math.max(0, value)) : value;
}

function normaliseSpec(column: FeatureName | ScaleColumnSpec): Required<ScaleColumnSpec> {
  const spec: ScaleColumnSpec = typeof column === 'string' ? { feature: column } : column;
  if (!isFeatureName(spec.feature)) throw new TypeError(`Unknown feature: ${String(spec.feature)}`);
  const weight = spec.weight ?? 1;
  if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`Column weight must be finite and >= 0: ${spec.feature}`);
  return {
    feature: spec.feature,
    transform: spec.transform ?? (featureInfo(spec.feature).heavyTailed ? 'log1p' : 'identity'),
    missingIndicator: spec.missingIndicator ?? false,
    weight,
  };
}

function rawValue(values: Readonly<Partial<Record<FeatureName, number | null>>>, feature: FeatureName): number | null {
  const value = values[feature];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Fit a robust scaler on `rows` for `columns` (feature names or specs). */
export function fitScaler(
  rows: readonly FeatureRow[],
  columns: readonly (FeatureName | ScaleColumnSpec)[],
  options: ScalerOptions = {},
): Scaler {
  const specs = checkSpecs(columns, options);
  return fitSpecs(
    rows.length,
    rawColumns(
      rows,
      specs.map((spec) => spec.feature),
    ),
    specs,
    options,
  );
}

/**
 * `fitScaler` on raw values already taken out of the rows: `raw[c]` holds, row by row, the value
 * of column c's feature, NaN where it is null or not finite (see `rawColumns`).
 */
export function fitScalerOnColumns(
  raw: readonly Float64Array[],
  columns: readonly (FeatureName | ScaleColumnSpec)[],
  options: ScalerOptions = {},
): Scaler {
  const specs = checkSpecs(columns, options);
  if (raw.length !== specs.length) throw new RangeError(`${raw.length} raw columns for ${specs.length} scaler columns`);
  return fitSpecs(raw[0]?.length ?? 0, raw, specs, options);
}

/** The raw values of features as columns, NaN where null or not finite; one row-major pass. */
export function rawColumns(rows: readonly FeatureRow[], features: readonly FeatureName[]): Float64Array[] {
  const out = features.map(() => new Float64Array(rows.length));
  for (let i = 0; i < rows.length; i++) {
    const values = (rows[i] as FeatureRow).values;
    for (let f = 0; f < features.length; f++) (out[f] as Float64Array)[i] = rawValue(values, features[f] as FeatureName) ?? Number.NaN;
  }
  return out;
}

function checkSpecs(columns: readonly (FeatureName | ScaleColumnSpec)[], options: ScalerOptions): Required<ScaleColumnSpec>[] {
  const clip = options.clip === undefined ? DEFAULT_CLIP : options.clip;
  if (clip !== null && !(Number.isFinite(clip) && clip > 0)) throw new RangeError('clip must be a positive number or null');
  const specs = columns.map(normaliseSpec);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.feature)) throw new RangeError(`Column given twice: ${spec.feature}`);
    seen.add(spec.feature);
  }
  return specs;
}

function fitSpecs(n: number, raw: readonly Float64Array[], specs: readonly Required<ScaleColumnSpec>[], options: ScalerOptions): Scaler {
  const clip = options.clip === undefined ? DEFAULT_CLIP : options.clip;
  // One buffer reused for every column's transformed values.
  const transformed = new Float64Array(n);
  const fitted: ScaledColumn[] = specs.map((spec, c) => {
    const values = raw[c] as Float64Array;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const value = values[i] as number;
      if (value !== value) continue; // NaN: null
      transformed[count++] = applyTransform(spec.transform, value);
    }
    // Median and quartiles by selection: the same numbers as sorting first, in O(n).
    const [q25, q50, q75] = count === 0 ? [0, 0, 0] : (quantilesInPlace(transformed.subarray(0, count), [0.25, 0.5, 0.75]) as [number, number, number]);
    const center = count === 0 ? 0 : q50;
    const iqr = count === 0 ? 0 : q75 - q25;
    return {
      feature: spec.feature,
      transform: spec.transform,
      center,
      scale: iqr > 1e-12 && Number.isFinite(iqr) ? iqr : 1,
      weight: spec.weight,
      missingIndicator: spec.missingIndicator,
      missingShare: n === 0 ? 0 : (n - count) / n,
    };
  });
  return loadScaler({ kind: 'robust-scaler', version: 1, columns: fitted, clip, outputNames: outputNamesOf(fitted) });
}

function outputNamesOf(columns: readonly ScaledColumn[]): string[] {
  const names: string[] = [];
  for (const column of columns) {
    names.push(column.feature);
    if (column.missingIndicator) names.push(missingColumnName(column.feature));
  }
  return names;
}

/** A scaler from its serialised model. */
export function loadScaler(model: ScalerModel): Scaler {
  if (model.kind !== 'robust-scaler' || model.version !== 1) throw new TypeError('Not a robust-scaler v1 model');
  const columns = model.columns;
  const clip = model.clip;
  const width = outputNamesOf(columns).length;

  function transformValues(values: Readonly<Partial<Record<FeatureName, number | null>>>): number[] {
    const out = new Array<number>(width);
    let at = 0;
    for (const column of columns) {
      const value = rawValue(values, column.feature);
      out[at++] = scaledValue(column, value, clip);
      if (column.missingIndicator) out[at++] = value === null ? 1 : 0;
    }
    return out;
  }

  return {
    model,
    transform(rows) {
      return rows.map((row) => transformValues(row.values));
    },
    transformValues,
  };
}

/** A scaled value (null: missing), as the scaler's vectors hold it. */
function scaledValue(column: ScaledColumn, value: number | null, clip: number | null): number {
  let scaled = value === null ? 0 : (applyTransform(column.transform, value) - column.center) / column.scale;
  if (clip !== null) scaled = Math.min(clip, Math.max(-clip, scaled));
  // A weight of 0 times an extreme value stays 0; the guard keeps NaN out whatever happens.
  scaled *= column.weight;
  return Number.isFinite(scaled) ? scaled : 0;
}

/**
 * A vector scaled by `from` expressed in the output space of `to`, column by column (features
 * matched by name). Entries of `to` whose feature `from` does not have are null. Exact for
 * unclipped values: each column is an affine map of the same transformed value.
 */
export function mapBetweenScalers(from: ScalerModel, to: ScalerModel, vector: readonly number[]): (number | null)[] {
  const source = new Map<string, number>();
  let at = 0;
  for (const column of from.columns) {
    const scaled = vector[at++] ?? 0;
    const transformed = column.weight > 0 ? (scaled / column.weight) * column.scale + column.center : column.center;
    source.set(column.feature, transformed);
    if (column.missingIndicator) source.set(missingColumnName(column.feature), vector[at++] ?? 0);
  }
  const out: (number | null)[] = [];
  for (const column of to.columns) {
    const transformed = source.get(column.feature);
    out.push(transformed === undefined ? null : ((transformed - column.center) / column.scale) * column.weight);
    if (column.missingIndicator) out.push(source.get(missingColumnName(column.feature)) ?? null);
  }
  return out;
}

/**
 * `loadScaler(model).transform(rows)` of rows whose raw values were taken out already: raw[c]
 * holds, row by row, the value of the model's column c, NaN where null or not finite (see
 * `rawColumns`). The same vectors.
 */
export function transformRawColumns(model: ScalerModel, raw: readonly Float64Array[]): number[][] {
  const { data, width } = scaleRawColumns(model, raw);
  const out: number[][] = [];
  for (let i = 0; i * width < data.length; i++) out.push(Array.from(data.subarray(i * width, (i + 1) * width)));
  return out;
}

/** `transformRawColumns` into one flat array, row by row (`width` numbers per row): the same numbers. */
export function scaleRawColumns(model: ScalerModel, raw: readonly Float64Array[]): { data: Float64Array; width: number } {
  const columns = model.columns;
  if (raw.length !== columns.length) throw new RangeError(`${raw.length} raw columns for ${columns.length} scaler columns`);
  const width = outputNamesOf(columns).length;
  const n = raw[0]?.length ?? 0;
  const data = new Float64Array(n * width);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c] as ScaledColumn;
      const given = (raw[c] as Float64Array)[i] as number;
      const value = given === given ? given : null; // NaN: missing
      data[at++] = scaledValue(column, value, model.clip);
      if (column.missingIndicator) data[at++] = value === null ? 1 : 0;
    }
  }
  return { data, width };
}
