// Aggregate check of a fitted BG/NBD model on a holdout window: the model is fitted on histories
// up to a split day, and its expected purchases in the next `horizon` units are compared with
// what people actually did. Reported in total and by calibration frequency x (the "conditional
// expectations" check of Fader, Hardie & Lee 2005, section 7), with per-person error measures.
import { RefineryError } from '../errors.ts';
import { expectedPurchases } from './bg-nbd-predict.ts';
import type { BgNbdParams } from './bg-nbd.ts';
import type { PurchaseSummary } from './summary.ts';

export interface FrequencyBin {
  /** "0", "1", ..., or "7+" for the last bin. */
  label: string;
  people: number;
  predictedMean: number;
  actualMean: number;
}

export interface HoldoutCheck {
  people: number;
  horizon: number;
  predictedTotal: number;
  actualTotal: number;
  /** (predicted - actual) / actual; null when nobody bought in the holdout. */
  relativeError: number | null;
  /** Mean |predicted - actual| per person. */
  meanAbsoluteError: number;
  /** Root mean squared error per person. */
  rootMeanSquaredError: number;
  /** Pearson correlation of predicted and actual per person; null when either is constant. */
  correlation: number | null;
  byFrequency: FrequencyBin[];
}

/**
 * Compare predicted with actual repeat purchases in the holdout. `actualPurchases[i]` is the
 * number of purchase days of person i in the holdout window (see `splitCalibrationHoldout`);
 * `horizon` is the window's length in the unit of the fit. Bins run 0 .. maxBin - 1 and
 * "maxBin+" (default 7).
 */
export function holdoutCheck(
  params: BgNbdParams,
  summaries: readonly PurchaseSummary[],
  actualPurchases: readonly number[],
  horizon: number,
  options: { maxBin?: number } = {},
): HoldoutCheck {
  if (summaries.length !== actualPurchases.length) {
    throw new RefineryError('VALIDATION', `${summaries.length} summaries but ${actualPurchases.length} holdout counts`);
  }
  const maxBin = options.maxBin ?? 7;
  const n = summaries.length;
  const bins = Array.from({ length: maxBin + 1 }, () => ({ people: 0, predicted: 0, actual: 0 }));
  const predicted = new Float64Array(n);
  let predictedTotal = 0;
  let actualTotal = 0;
  let absolute = 0;
  let squared = 0;
  for (let i = 0; i < n; i += 1) {
    const s = summaries[i] as PurchaseSummary;
    const actual = actualPurchases[i] as number;
    const p = expectedPurchases(params, horizon, s);
    predicted[i] = p;
    predictedTotal += p;
    actualTotal += actual;
    absolute += Math.abs(p - actual);
    squared += (p - actual) ** 2;
    const bin = bins[Math.min(s.x, maxBin)] as { people: number; predicted: number; actual: number };
    bin.people += 1;
    bin.predicted += p;
    bin.actual += actual;
  }
  return {
    people: n,
    horizon,
    predictedTotal,
    actualTotal,
    relativeError: actualTotal > 0 ? (predictedTotal - actualTotal) / actualTotal : null,
    meanAbsoluteError: n > 0 ? absolute / n : 0,
    rootMeanSquaredError: n > 0 ? Math.sqrt(squared / n) : 0,
    correlation: pearson(predicted, actualPurchases),
    byFrequency: bins.map((b, k) => ({
      label: k === maxBin ? `${maxBin}+` : String(k),
      people: b.people,
      predictedMean: b.people > 0 ? b.predicted / b.people : 0,
      actualMean: b.people > 0 ? b.actual / b.people : 0,
    })),
  };
}

function pearson(u: Float64Array, v: readonly number[]): number | null {
  const n = u.length;
  if (n < 2) return null;
  let mu = 0;
  let mv = 0;
  for (let i = 0; i < n; i += 1) {
    mu += (u[i] as number) / n;
    mv += (v[i] as number) / n;
  }
  let suu = 0;
  let svv = 0;
  let suv = 0;
  for (let i = 0; i < n; i += 1) {
    const du = (u[i] as number) - mu;
    const dv = (v[i] as number) - mv;
    suu += du * du;
    svv += dv * dv;
    suv += du * dv;
  }
  return suu > 0 && svv > 0 ? suv / Math.sqrt(suu * svv) : null;
}
