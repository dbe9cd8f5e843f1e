// Gamma-Gamma model of spend per purchase, fitted by maximum likelihood on people with at least
// one repeat purchase. Sources: Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value"
// (brucehardie.com note 025), after Colombo & Jiang (1999) and Fader, Hardie & Lee (2005),
// "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis", JMR 42(4).
//
// Spend on each purchase z ~ Gamma(p, ν) (shape p, rate ν), ν ~ Gamma(q, γ) across people. For a
// person with x purchases of mean m the density of m is
//   f(m | p, q, γ, x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · m^(px-1) · x^(px) / (γ + x m)^(px+q)
// and the expected spend per purchase given (x, m) is
//   E[Z | x, m] = p (γ + x m) / (p x + q - 1)
//              = (q-1)/(px+q-1) · pγ/(q-1)  +  px/(px+q-1) · m      (a weighted average)
// The population mean pγ/(q-1) exists only when q > 1.
import { COARSE_SEARCH_PEOPLE, everyKth, LOG_BOUND, searchLogParameters, standardErrors } from './fit-common.ts';
import type { FitFailure } from './fit-common.ts';
import { digamma, logGamma } from './special.ts';
import type { PurchaseSummary } from './summary.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GammaGammaFitSuccess {
  ok: true;
  params: GammaGammaParams;
  logLikelihood: number;
  /** People in the fit (x >= 1 and a positive mean spend). */
  n: number;
  /** pγ/(q-1): mean spend per purchase across people; null when q <= 1 (no finite mean). */
  populationMeanSpend: number | null;
  /**
   * Pearson correlation of x and mean spend among the people fitted. The model assumes spend
   * does not depend on frequency; a large value (|ρ| > 0.3, say) says the assumption is doubtful.
   */
  frequencySpendCorrelation: number;
  standardErrors: GammaGammaParams | null;
  converged: boolean;
  warnings: string[];
}

export type GammaGammaFit = GammaGammaFitSuccess | FitFailure;

export interface GammaGammaFitOptions {
  /** Fewer eligible people than this: not enough data. Default 20. */
  minPeople?: number;
}

interface SpendData {
  /** Distinct x values and, per person, the index of theirs. */
  xValues: Float64Array;
  xIndex: Int32Array;
  /** Per person: mean spend, ln(mean spend), ln x. */
  m: Float64Array;
  logM: Float64Array;
  logX: Float64Array;
}

function prepare(rows: readonly { x: number; m: number }[]): SpendData {
  const xs = [...new Set(rows.map((r) => r.x))].sort((u, v) => u - v);
  const where = new Map(xs.map((x, i) => [x, i]));
  return {
    xValues: Float64Array.from(xs),
    xIndex: Int32Array.from(rows.map((r) => where.get(r.x) as number)),
    m: Float64Array.from(rows.map((r) => r.m)),
    logM: Float64Array.from(rows.map((r) => Math.log(r.m))),
    logX: Float64Array.from(rows.map((r) => Math.log(r.x))),
  };
}

/** Mean negative log-likelihood and gradient in (ln p, ln q, ln γ). */
function makeObjective(data: SpendData): (theta: readonly number[]) => { f: number; g: number[]; total: number } {
  const k = data.xValues.length;
  const lgRatio = new Float64Array(k); // lnΓ(px+q) - lnΓ(px)
  const dgPx = new Float64Array(k); // ψ(px+q) - ψ(px)
  const dgPxq = new Float64Array(k); // ψ(px+q)
  return (theta) => {
    const p = Math.exp(theta[0] as number);
    const q = Math.exp(theta[1] as number);
    const g = Math.exp(theta[2] as number);
    for (let j = 0; j < k; j += 1) {
      const px = p * (data.xValues[j] as number);
      lgRatio[j] = logGamma(px + q) - logGamma(px);
      const psiPxq = digamma(px + q);
      dgPxq[j] = psiPxq;
      dgPx[j] = psiPxq - digamma(px);
    }
    const lgQ = logGamma(q);
    const psiQ = digamma(q);
    const logG = Math.log(g);
    let total = 0;
    let dp = 0;
    let dq = 0;
    let dg = 0;
    const n = data.m.length;
    for (let i = 0; i < n; i += 1) {
      const j = data.xIndex[i] as number;
      const x = data.xValues[j] as number;
      const m = data.m[i] as number;
      const lm = data.logM[i] as number;
      const px = p * x;
      const denom = g + x * m;
      const logDenom = Math.log(denom);
      total += (lgRatio[j] as number) - lgQ + q * logG + (px - 1) * lm + px * (data.logX[i] as number) - (px + q) * logDenom;
      dp += x * ((dgPx[j] as number) + lm + (data.logX[i] as number) - logDenom);
      dq += (dgPxq[j] as number) - psiQ + logG - logDenom;
      dg += q / g - (px + q) / denom;
    }
    return { f: -total / n, g: [(-dp * p) / n, (-dq * q) / n, (-dg * g) / n], total };
  };
}

function eligible(summaries: readonly PurchaseSummary[]): { x: number; m: number }[] {
  const rows: { x: number; m: number }[] = [];
  for (const s of summaries) {
    if (s.x >= 1 && s.meanSpend !== null && Number.isFinite(s.meanSpend) && s.meanSpend > 0) rows.push({ x: s.x, m: s.meanSpend });
  }
  return rows;
}

function correlation(rows: readonly { x: number; m: number }[]): number {
  const n = rows.length;
  let mx = 0;
  let mm = 0;
  for (const r of rows) {
    mx += r.x / n;
    mm += r.m / n;
  }
  let sxx = 0;
  let smm = 0;
  let sxm = 0;
  for (const r of rows) {
    sxx += (r.x - mx) ** 2;
    smm += (r.m - mm) ** 2;
    sxm += (r.x - mx) * (r.m - mm);
  }
  return sxx > 0 && smm > 0 ? sxm / Math.sqrt(sxx * smm) : 0;
}

/** Total Gamma-Gamma log-likelihood of the eligible summaries (x >= 1, meanSpend > 0). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, summaries: readonly PurchaseSummary[]): number {
  const rows = eligible(summaries);
  if (rows.length === 0) return 0;
  const { total } = makeObjective(prepare(rows))([Math.log(params.p), Math.log(params.q), Math.log(params.gamma)]);
  return Number.isNaN(total) ? -Infinity : total;
}

/**
 * Fit the Gamma-Gamma model on the summaries with x >= 1 and a positive mean spend (others are
 * skipped: the model says nothing about people who never bought again, and needs spend > 0).
 */
export function fitGammaGamma(summaries: readonly PurchaseSummary[], options: GammaGammaFitOptions = {}): GammaGammaFit {
  const minPeople = options.minPeople ?? 20;
  const rows = eligible(summaries);
  if (rows.length < minPeople) {
    return {
      ok: false,
      reason: 'not-enough-data',
      detail: `${rows.length} people with a repeat purchase and positive spend; the Gamma-Gamma fit needs at least ${minPeople}`,
    };
  }
  const data = prepare(rows);
  const objective = makeObjective(data);
  // Starts: the population mean pγ/(q-1) at the observed mean of means, for a few (p, q).
  let mean = 0;
  for (const r of rows) mean += r.m / rows.length;
  const clamp = (v: number): number => Math.max(-LOG_BOUND + 1, Math.min(LOG_BOUND - 1, v));
  const starts = [
    [1, 2],
    [4, 4],
    [10, 3],
    [2, 10],
  ].map(([p, q]) => [Math.log(p as number), Math.log(q as number), clamp(Math.log((mean * ((q as number) - 1)) / (p as number)))]);
  // A large population: the starts run on a subsample, the best is continued on everyone.
  const subsample = everyKth(rows, COARSE_SEARCH_PEOPLE);
  const coarse = subsample === null ? null : makeObjective(prepare(subsample));
  const search = searchLogParameters(objective, starts, { coarse });
  if (!Number.isFinite(search.meanNegLogLik)) {
    return { ok: false, reason: 'no-convergence', detail: 'the optimiser found no parameters with a finite likelihood' };
  }
  const [p, q, gamma] = search.theta.map(Math.exp) as [number, number, number];
  const se = standardErrors((t) => objective(t).g, search.theta, rows.length);
  const names = ['p', 'q', 'gamma'];
  const warnings = search.atBound.map((i) => `${names[i] ?? '?'} ran to the edge of the search range: the data do not pin it down`);
  if (!search.converged) warnings.push('the optimiser stopped before the gradient vanished; estimates may be rough');
  if (q <= 1) warnings.push(`q = ${q.toPrecision(3)} <= 1: spend is so heavy-tailed that the population mean is infinite`);
  const rho = correlation(rows);
  if (Math.abs(rho) > 0.3) warnings.push(`frequency and spend are correlated (ρ = ${rho.toFixed(2)}); the model assumes they are not`);
  return {
    ok: true,
    params: { p, q, gamma },
    logLikelihood: -search.meanNegLogLik * rows.length,
    n: rows.length,
    populationMeanSpend: q > 1 ? (p * gamma) / (q - 1) : null,
    frequencySpendCorrelation: rho,
    standardErrors: se === null ? null : { p: se[0] as number, q: se[1] as number, gamma: se[2] as number },
    converged: search.converged,
    warnings,
  };
}

/**
 * Expected spend per purchase for a person: the Gamma-Gamma conditional expectation
 * p(γ + x m)/(px + q - 1) when they have repeat purchases with positive mean spend m, otherwise
 * the population mean pγ/(q-1). Null when that quantity is not finite (q too small).
 */
export function expectedSpend(params: GammaGammaParams, summary: PurchaseSummary): number | null {
  const { p, q, gamma } = params;
  const m = summary.meanSpend;
  if (summary.x >= 1 && m !== null && Number.isFinite(m) && m > 0) {
    const denom = p * summary.x + q - 1;
    return denom > 0 ? (p * (gamma + summary.x * m)) / denom : null;
  }
  return q > 1 ? (p * gamma) / (q - 1) : null;
}
