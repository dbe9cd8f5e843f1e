// BG/NBD ("beta-geometric / negative binomial distribution") model of repeat purchasing, fitted
// by maximum likelihood. Source: Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy
// Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284, the likelihood of a
// randomly chosen person with history (x, tx, T):
//
//   L(r, α, a, b | x, tx, T) = B(a, b+x)/B(a, b) · Γ(r+x)/Γ(r) · α^r / (α+T)^(r+x)
//                            + δ(x>0) · B(a+1, b+x-1)/B(a, b) · Γ(r+x)/Γ(r) · α^r / (α+tx)^(r+x)
//
// In logs, with B(a+1, b+x-1)/B(a, b+x) = a/(b+x-1):
//   ln L = ln Γ(r+x) - ln Γ(r) + r ln α + ln Γ(a+b) + ln Γ(b+x) - ln Γ(b) - ln Γ(a+b+x)
//        + ln( (α+T)^-(r+x) + δ(x>0) · a/(b+x-1) · (α+tx)^-(r+x) )
// The Γ ratios are computed as sums of logs (ln Γ(r+x) - ln Γ(r) = Σ_{j<x} ln(r+j)), which is
// exact for any r and makes the gradient a sum of reciprocals.
import { COARSE_SEARCH_PEOPLE, everyKth, LOG_BOUND, searchLogParameters, standardErrors } from './fit-common.ts';
import type { FitFailure } from './fit-common.ts';
import { DEFAULT_TIME_UNIT } from './summary.ts';
import type { ClvTimeUnit, PurchaseSummary } from './summary.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFitSuccess {
  ok: true;
  params: BgNbdParams;
  /** Total log-likelihood at the estimate (natural log, summed over people). */
  logLikelihood: number;
  /** People in the fit. */
  n: number;
  /** People with at least one repeat purchase. */
  repeatBuyers: number;
  /** The time unit of tx, T, alpha and of every prediction made with these parameters. */
  unit: ClvTimeUnit;
  /** Asymptotic standard errors (observed information); null when it is singular. */
  standardErrors: BgNbdParams | null;
  converged: boolean;
  iterations: number;
  /** Plain-words notes, e.g. a parameter that ran to the edge of the search box. */
  warnings: string[];
}

export type BgNbdFit = BgNbdFitSuccess | FitFailure;

export interface BgNbdFitOptions {
  /** Unit the summaries are in (recorded on the result). Default 'week'. */
  unit?: ClvTimeUnit;
  /** Fewer people than this: not enough data. Default 30. */
  minPeople?: number;
  /** Fewer people with x >= 1 than this: not enough data. Default 20. */
  minRepeatBuyers?: number;
}

const NAMES = ['r', 'alpha', 'a', 'b'] as const;

/**
 * Distinct (x, tx, T) rows with how many people share each; day-level data repeat a lot. The
 * distinct T and tx values are listed too, with each row's index into them, so that ln(α + T)
 * and ln(α + tx) are computed once per distinct value in each evaluation, not once per row.
 */
interface Compressed {
  x: Int32Array;
  tx: Float64Array;
  T: Float64Array;
  w: Float64Array;
  maxX: number;
  totalWeight: number;
  tValues: Float64Array;
  tIndex: Int32Array;
  txValues: Float64Array;
  /** Index into txValues (rows with x = 0: unused, 0). */
  txIndex: Int32Array;
}

/** Index of `value` in a growing list of distinct values (Map keys: SameValueZero, as before). */
function indexIn(index: Map<number, number>, values: number[], value: number): number {
  let at = index.get(value);
  if (at === undefined) {
    at = values.length;
    index.set(value, at);
    values.push(value);
  }
  return at;
}

function compress(summaries: readonly PurchaseSummary[]): Compressed {
  const m = summaries.length;
  // The distinct T and tx values (numbers, as the `${x}|${tx}|${T}` string keys of old were:
  // equal numbers share a row, -0 and 0 too) with each summary's index into them: small maps.
  const tIndexOf = new Map<number, number>();
  const tValues: number[] = [];
  const txIndexOf = new Map<number, number>();
  const txValues: number[] = [];
  const tOf = new Int32Array(m);
  const txOf = new Int32Array(m);
  let maxX = 0;
  for (let i = 0; i < m; i += 1) {
    const s = summaries[i] as PurchaseSummary;
    tOf[i] = indexIn(tIndexOf, tValues, s.T);
    txOf[i] = s.x > 0 ? indexIn(txIndexOf, txValues, s.tx) : -1;
    if (s.x > maxX) maxX = s.x;
  }
  // A row per distinct (x, tx, T), in order of first appearance, keyed by one whole number when
  // the three indices fit in one (they do unless the data are huge; else by a string).
  const txCount = txValues.length + 1;
  const xCount = maxX + 1;
  const packable = Number.isSafeInteger(tValues.length * txCount * xCount);
  const rowOf = new Map<number | string, number>();
  const xs: number[] = [];
  const txs: number[] = [];
  const Ts: number[] = [];
  const ws: number[] = [];
  const tIndex: number[] = [];
  const txIndex: number[] = [];
  for (let i = 0; i < m; i += 1) {
    const s = summaries[i] as PurchaseSummary;
    const txAt = (txOf[i] as number) + 1; // 0: x = 0 (tx taken as 0)
    const key = packable && Number.isInteger(s.x) && s.x >= 0 ? ((tOf[i] as number) * txCount + txAt) * xCount + s.x : `${s.x}|${txAt}|${tOf[i]}`;
    const at = rowOf.get(key);
    if (at !== undefined) {
      ws[at] = (ws[at] as number) + 1;
      continue;
    }
    rowOf.set(key, xs.length);
    xs.push(s.x);
    txs.push(s.x > 0 ? s.tx : 0);
    Ts.push(s.T);
    ws.push(1);
    tIndex.push(tOf[i] as number);
    txIndex.push(s.x > 0 ? (txOf[i] as number) : 0);
  }
  return {
    x: Int32Array.from(xs),
    tx: Float64Array.from(txs),
    T: Float64Array.from(Ts),
    w: Float64Array.from(ws),
    maxX,
    totalWeight: summaries.length,
    tValues: Float64Array.from(tValues),
    tIndex: Int32Array.from(tIndex),
    txValues: Float64Array.from(txValues),
    txIndex: Int32Array.from(txIndex),
  };
}

/** Cumulative Σ_{j<k} ln(v+j) and Σ_{j<k} 1/(v+j) for k = 0..maxX. */
function risingLogs(v: number, maxX: number, logs: Float64Array, recips: Float64Array): void {
  logs[0] = 0;
  recips[0] = 0;
  for (let k = 1; k <= maxX; k += 1) {
    const u = v + k - 1;
    logs[k] = (logs[k - 1] as number) + Math.log(u);
    recips[k] = (recips[k - 1] as number) + 1 / u;
  }
}

/**
 * Mean negative log-likelihood per person and its gradient with respect to
 * (ln r, ln α, ln a, ln b). Exported through `bgNbdLogLikelihood` for single evaluations.
 */
function makeObjective(data: Compressed): (theta: readonly number[]) => { f: number; g: number[]; total: number } {
  const n = data.maxX + 1;
  const lr = new Float64Array(n);
  const sr = new Float64Array(n);
  const lb = new Float64Array(n);
  const sb = new Float64Array(n);
  const lab = new Float64Array(n);
  const sab = new Float64Array(n);
  const logAlphaT = new Float64Array(data.tValues.length);
  const logAlphaTx = new Float64Array(data.txValues.length);
  return (theta) => {
    const r = Math.exp(theta[0] as number);
    const alpha = Math.exp(theta[1] as number);
    const a = Math.exp(theta[2] as number);
    const b = Math.exp(theta[3] as number);
    risingLogs(r, data.maxX, lr, sr);
    risingLogs(b, data.maxX, lb, sb);
    risingLogs(a + b, data.maxX, lab, sab);
    const logAlpha = Math.log(alpha);
    const logA = Math.log(a);
    for (let k = 0; k < logAlphaT.length; k += 1) logAlphaT[k] = Math.log(alpha + (data.tValues[k] as number));
    for (let k = 0; k < logAlphaTx.length; k += 1) logAlphaTx[k] = Math.log(alpha + (data.txValues[k] as number));
    let total = 0;
    let gr = 0;
    let gAlpha = 0;
    let ga = 0;
    let gb = 0;
    const count = data.x.length;
    for (let i = 0; i < count; i += 1) {
      const x = data.x[i] as number;
      const w = data.w[i] as number;
      const T = data.T[i] as number;
      const rx = r + x;
      const logAT = logAlphaT[data.tIndex[i] as number] as number; // ln(α + T)
      const a3 = -rx * logAT;
      let tail = a3;
      let share = 0; // weight of the "dropped out after the last purchase" term
      let logATx = 0;
      if (x > 0) {
        logATx = logAlphaTx[data.txIndex[i] as number] as number; // ln(α + tx)
        const logBx1 = (lb[x] as number) - (lb[x - 1] as number); // ln(b + x - 1)
        const a4 = logA - logBx1 - rx * logATx;
        if (a3 >= a4) {
          const e = Math.exp(a4 - a3);
          tail = a3 + Math.log1p(e);
          share = e / (1 + e);
        } else {
          const e = Math.exp(a3 - a4);
          tail = a4 + Math.log1p(e);
          share = 1 / (1 + e);
        }
      }
      const ll = (lr[x] as number) + r * logAlpha + (lb[x] as number) - (lab[x] as number) + tail;
      total += w * ll;
      const dLogTerm = (1 - share) * logAT + share * logATx;
      gr += w * ((sr[x] as number) + logAlpha - dLogTerm);
      gAlpha += w * (r / alpha - rx * ((1 - share) / (alpha + T) + (x > 0 ? share / (alpha + (data.tx[i] as number)) : 0)));
      ga += w * (-(sab[x] as number) + share / a);
      gb += w * ((sb[x] as number) - (sab[x] as number) - (x > 0 ? share * ((sb[x] as number) - (sb[x - 1] as number)) : 0));
    }
    const m = data.totalWeight;
    // Chain rule to log-parameters, sign flipped to a minimisation, scaled per person.
    return { f: -total / m, g: [(-gr * r) / m, (-gAlpha * alpha) / m, (-ga * a) / m, (-gb * b) / m], total };
  };
}

function invalid(s: PurchaseSummary): string | null {
  if (!Number.isInteger(s.x) || s.x < 0) return `x = ${s.x} is not a count`;
  if (!Number.isFinite(s.T) || s.T < 0) return `T = ${s.T} is not a time`;
  if (s.x > 0 && (!Number.isFinite(s.tx) || s.tx < 0 || s.tx > s.T)) return `tx = ${s.tx} is not within [0, T = ${s.T}]`;
  return null;
}

/** Total BG/NBD log-likelihood of the summaries under the given parameters (-Infinity if impossible). */
export function bgNbdLogLikelihood(params: BgNbdParams, summaries: readonly PurchaseSummary[]): number {
  if (summaries.length === 0) return 0;
  const { total } = makeObjective(compress(summaries))([
    Math.log(params.r),
    Math.log(params.alpha),
    Math.log(params.a),
    Math.log(params.b),
  ]);
  return Number.isNaN(total) ? -Infinity : total;
}

/** Gradient of the mean negative log-likelihood in log-parameters (for tests of the fit). */
export function bgNbdObjective(summaries: readonly PurchaseSummary[]): (theta: readonly number[]) => { f: number; g: number[] } {
  return makeObjective(compress(summaries));
}

/**
 * Starting points: purchase rate r/α near the observed repeat rate Σx / ΣT, crossed with
 * dropout shapes from "most never leave" to "most leave early".
 */
function startingPoints(data: Compressed): number[][] {
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < data.x.length; i += 1) {
    sx += (data.w[i] as number) * (data.x[i] as number);
    sT += (data.w[i] as number) * (data.T[i] as number);
  }
  const rate = sx > 0 && sT > 0 ? sx / sT : 1;
  const shapes: [number, number, number][] = [
    [1, 1, 3],
    [0.3, 0.8, 2.5],
    [3, 0.5, 6],
    [0.6, 2, 10],
  ];
  const clamp = (v: number): number => Math.max(-LOG_BOUND + 1, Math.min(LOG_BOUND - 1, v));
  return shapes.map(([r, a, b]) => [Math.log(r), clamp(Math.log(r / rate)), Math.log(a), Math.log(b)]);
}

/**
 * Fit the BG/NBD model by maximum likelihood. Returns `{ ok: false, reason }` rather than
 * numbers it cannot stand behind: too few people or repeat buyers, malformed summaries, or an
 * optimiser that found no finite likelihood.
 */
export function fitBgNbd(summaries: readonly PurchaseSummary[], options: BgNbdFitOptions = {}): BgNbdFit {
  const unit = options.unit ?? DEFAULT_TIME_UNIT;
  const minPeople = options.minPeople ?? 30;
  const minRepeatBuyers = options.minRepeatBuyers ?? 20;
  for (const s of summaries) {
    const problem = invalid(s);
    if (problem !== null) return { ok: false, reason: 'invalid-input', detail: `a purchase summary is malformed: ${problem}` };
  }
  const repeatBuyers = summaries.filter((s) => s.x > 0).length;
  if (summaries.length < minPeople) {
    return { ok: false, reason: 'not-enough-data', detail: `${summaries.length} people; the BG/NBD fit needs at least ${minPeople}` };
  }
  if (repeatBuyers < minRepeatBuyers) {
    return {
      ok: false,
      reason: 'not-enough-data',
      detail: `${repeatBuyers} people bought again; the BG/NBD fit needs at least ${minRepeatBuyers}`,
    };
  }
  const data = compress(summaries);
  if (!summaries.some((s) => s.T > 0)) {
    return { ok: false, reason: 'not-enough-data', detail: 'nobody has been observed for any time yet (every T is 0)' };
  }
  const objective = makeObjective(data);
  // A large population: the starts run on a subsample, the best is continued on everyone.
  const subsample = everyKth(summaries, COARSE_SEARCH_PEOPLE);
  const coarse = subsample === null ? null : makeObjective(compress(subsample));
  const search = searchLogParameters(objective, startingPoints(data), { coarse });
  if (!Number.isFinite(search.meanNegLogLik)) {
    return { ok: false, reason: 'no-convergence', detail: 'the optimiser found no parameters with a finite likelihood' };
  }
  const [r, alpha, a, b] = search.theta.map(Math.exp) as [number, number, number, number];
  const se = standardErrors((t) => objective(t).g, search.theta, data.totalWeight);
  const warnings = search.atBound.map(
    (i) => `${NAMES[i] ?? '?'} ran to the edge of the search range (${Math.exp(search.theta[i] as number).toPrecision(3)}): the data do not pin it down`,
  );
  if (!search.converged) warnings.push('the optimiser stopped before the gradient vanished; estimates may be rough');
  return {
    ok: true,
    params: { r, alpha, a, b },
    logLikelihood: -search.meanNegLogLik * data.totalWeight,
    n: summaries.length,
    repeatBuyers,
    unit,
    standardErrors: se === null ? null : { r: se[0] as number, alpha: se[1] as number, a: se[2] as number, b: se[3] as number },
    converged: search.converged,
    iterations: search.iterations,
    warnings,
  };
}
