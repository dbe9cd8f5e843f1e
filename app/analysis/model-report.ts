// The model report: how well the predictions would have done on the shop's own history. Models
// see only history on or before DATE; they are judged on what happened in (DATE, DATE + horizon].
// - Purchase propensity: trained on features as of DATE - horizon labelled by (DATE - horizon,
//   DATE], scored as of DATE, scored against orders in the horizon. The population is the people
//   known at each date (an order on or before it).
// - BG/NBD: fitted on purchase days up to DATE (weeks); predicted repeat purchase days in the
//   horizon against actual ones.
import { fitBgNbd } from '../../core/clv/bg-nbd.ts';
import { fitGammaGamma } from '../../core/clv/gamma-gamma.ts';
import { holdoutCheck } from '../../core/clv/holdout.ts';
import { DAYS_PER_UNIT, splitCalibrationHoldout, type PurchaseSummary } from '../../core/clv/summary.ts';
import { MS_PER_DAY } from '../../core/instant.ts';
import { backtestReport, type BacktestReport } from '../../core/predict/metrics.ts';
import { predictFromOrders, type OrderEvent } from '../../core/predict/time-split.ts';
import { rowsKnownAt } from '../../core/segments/refine.ts';
import type { ShopHistory } from './read-history.ts';

export interface ModelReport {
  asOf: string;
  horizonDays: number;
  propensity:
    | ({ ok: true; model: string; trainedOn: { n: number; positives: number; baseRate: number } } & BacktestReport)
    | { ok: false; reason: string };
  bgnbd:
    | {
        ok: true;
        r: number;
        alpha: number;
        a: number;
        b: number;
        timeUnit: string;
        logLikelihood: number;
        n: number;
        repeatBuyers: number;
        predictedRepeat: number;
        actualRepeat: number;
        relativeError: number | null;
      }
    | { ok: false; reason: string };
  gammaGamma: { ok: true; p: number; q: number; gamma: number; n: number } | { ok: false; reason: string };
}

export function modelReport(history: ShopHistory, asOf: string, horizonDays: number): ModelReport {
  const t = Date.parse(asOf);
  const end = t + horizonDays * MS_PER_DAY;
  const now = history.snapshots.get('asOf');
  const cutoff = history.snapshots.get('cutoff');
  if (!now || !cutoff) throw new Error('modelReport needs the asOf and cutoff snapshots');

  // Propensity.
  let propensity: ModelReport['propensity'];
  const events: OrderEvent[] = [];
  for (const [personId, orders] of history.orders) for (const at of orders.times) events.push({ customerId: personId, placedAt: at });
  try {
    const cutoffMs = t - horizonDays * MS_PER_DAY;
    const result = predictFromOrders('purchase', { horizonDays, asOf: t, orders: events, rowsAtCutoff: rowsKnownAt(cutoff, history.orders, cutoffMs), rowsNow: rowsKnownAt(now, history.orders, t) });
    const labels = result.scores.map((s) => (history.orders.get(s.id)?.times ?? []).some((at) => at > t && at <= end));
    const backtest = backtestReport(result.scores.map((s) => s.probability), labels);
    const training = result.report.training;
    propensity = {
      ok: true,
      model: result.report.model.kind === 'base-rate' ? `base rate only (${result.report.model.reason ?? 'no signal'})` : 'calibrated Gaussian naive Bayes',
      trainedOn: { n: training.n, positives: training.positives, baseRate: training.baseRate },
      ...backtest,
    };
  } catch (error) {
    propensity = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }

  // BG/NBD on purchase days, in weeks.
  const splitDay = Math.floor(t / MS_PER_DAY);
  const endDay = Math.floor(end / MS_PER_DAY);
  const summaries: PurchaseSummary[] = [];
  const actual: number[] = [];
  for (const orders of history.orders.values()) {
    const days = orders.times.map((at) => Math.floor(at / MS_PER_DAY));
    const split = splitCalibrationHoldout(days, orders.amounts, splitDay, endDay, 'week');
    if (!split) continue;
    summaries.push(split.summary);
    actual.push(split.holdoutPurchases);
  }
  let bgnbd: ModelReport['bgnbd'];
  const fit = fitBgNbd(summaries, { unit: 'week' });
  if (fit.ok) {
    const check = holdoutCheck(fit.params, summaries, actual, horizonDays / DAYS_PER_UNIT.week);
    bgnbd = {
      ok: true,
      ...fit.params,
      timeUnit: 'week',
      logLikelihood: fit.logLikelihood,
      n: fit.n,
      repeatBuyers: fit.repeatBuyers,
      predictedRepeat: check.predictedTotal,
      actualRepeat: check.actualTotal,
      relativeError: check.relativeError,
    };
  } else {
    bgnbd = { ok: false, reason: `${fit.reason}: ${fit.detail}` };
  }
  const gg = fitGammaGamma(summaries);
  const gammaGamma: ModelReport['gammaGamma'] = gg.ok ? { ok: true, p: gg.params.p, q: gg.params.q, gamma: gg.params.gamma, n: gg.n } : { ok: false, reason: `${gg.reason}: ${gg.detail}` };
  return { asOf: new Date(t).toISOString(), horizonDays, propensity, bgnbd, gammaGamma };
}
