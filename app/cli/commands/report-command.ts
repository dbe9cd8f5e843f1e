// `refinery report models|clusters|quality`: the analysis reports on a shop's stored data.
import { RefineryError } from '../../../core/errors.ts';
import { MS_PER_DAY } from '../../../core/instant.ts';
import { describeLift } from '../../../core/holdout/lift.ts';
import { analyseClusters } from '../../analysis/cluster-report.ts';
import { liftReport } from '../../analysis/lift-report.ts';
import { modelReport } from '../../analysis/model-report.ts';
import { readHistory } from '../../analysis/read-history.ts';
import type { CliContext } from '../context.ts';
import { resolveShop } from '../context.ts';
import { percent, table } from '../format.ts';

const USAGE = 'usage: refinery report models --as-of DATE [--horizon DAYS] | report clusters [--as-of DATE] | report quality [--as-of DATE] | report lift [--segment KEY] [--as-of DATE]  (each with [--shop S] [--json])';

function parseDate(text: string | undefined, flag: string): string | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new RefineryError('INPUT', `${flag} "${text}" is not a date (use YYYY-MM-DD or an ISO timestamp)`);
  return new Date(t).toISOString();
}

function parseHorizon(text: string | undefined): number {
  if (text === undefined) return 90;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 730) throw new RefineryError('INPUT', `--horizon "${text}" must be a whole number of days from 1 to 730`);
  return n;
}

const fixed = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '-' : v.toFixed(digits));

export async function reportCommand(ctx: CliContext, positionals: string[], flags: { shop?: string; json?: boolean; 'as-of'?: string; horizon?: string; segment?: string }): Promise<number> {
  const [which, ...rest] = positionals;
  if (!which || rest.length > 0 || !['models', 'clusters', 'quality', 'lift'].includes(which)) throw new RefineryError('INPUT', USAGE);
  if (which !== 'lift' && flags.segment !== undefined) throw new RefineryError('INPUT', '--segment applies to report lift only');
  const shopId = await resolveShop(ctx, flags.shop);
  const asOfFlag = parseDate(flags['as-of'], '--as-of');
  if (which === 'lift') return liftCommand(ctx, shopId, asOfFlag ?? new Date().toISOString(), flags);
  if (which === 'models' && asOfFlag === undefined) throw new RefineryError('INPUT', `refinery report models needs --as-of DATE: models are trained on history up to DATE and judged on the horizon after it\n${USAGE}`);
  if (which !== 'models' && flags.horizon !== undefined) throw new RefineryError('INPUT', `--horizon applies to report models only`);
  const horizon = parseHorizon(flags.horizon);
  const asOf = asOfFlag ?? new Date().toISOString();
  const cutoff = new Date(Date.parse(asOf) - horizon * MS_PER_DAY).toISOString();
  ctx.progress.update('report', 'reading the shop history');
  const history = await readHistory(ctx.store, shopId, {
    snapshots: which === 'models' ? [{ label: 'asOf', asOf }, { label: 'cutoff', asOf: cutoff }] : [{ label: 'asOf', asOf }],
    qualityAsOf: asOf,
  });
  ctx.progress.done();

  if (which === 'quality') {
    const q = history.quality;
    if (flags.json) return print(ctx, q);
    ctx.out(`data quality of ${shopId} as of ${q.asOf}: ${q.severity}`);
    ctx.out(table(['check', 'count', 'share', 'severity', 'finding'], q.checks.map((c) => [c.title, String(c.count), c.share === null ? '-' : percent(c.share), c.severity, c.finding]), new Set([1, 2])));
    return 0;
  }

  if (which === 'clusters') {
    const table0 = history.snapshots.get('asOf');
    const run = analyseClusters(table0);
    if (run.status === 'skipped') {
      if (flags.json) return print(ctx, { status: 'skipped', reason: run.reason, people: run.people, peopleWithOrders: run.peopleWithOrders, minPeople: run.minPeople });
      ctx.out(`no clusters for ${shopId}: ${run.reason.message}`);
      return 0;
    }
    const r = run.report;
    if (flags.json) return print(ctx, { status: 'clustered', asOf, k: r.k, silhouette: r.silhouette, wcss: r.wcss, people: r.people, clusteredPeople: r.clusteredPeople, candidates: r.candidates, clusters: r.clusters.map((c) => ({ id: c.id, name: c.name, size: c.size, share: c.share, explanation: c.explanation })) });
    ctx.out(`clusters of ${shopId} as of ${asOf}: k = ${r.k} (by ${r.chosenBy}), silhouette ${r.silhouette.toFixed(3)}, within-cluster sum of squares ${r.wcss.toFixed(1)}, ${r.clusteredPeople} of ${r.people} people clustered (the rest have no orders)`);
    ctx.out(table(['id', 'name', 'people', 'share', 'explanation'], r.clusters.map((c) => [c.id, c.name, String(c.size), percent(c.share), c.explanation]), new Set([2, 3])));
    return 0;
  }

  const report = modelReport(history, asOf, horizon);
  if (flags.json) return print(ctx, report);
  ctx.out(`model report for ${shopId}: history up to ${report.asOf}, judged on the next ${horizon} days`);
  const p = report.propensity;
  if (p.ok) {
    ctx.out(`purchase propensity (${p.model}): AUC ${fixed(p.auc)}, top-decile lift ${fixed(p.topDecileLift, 2)}, Brier ${fixed(p.brier, 4)} (base-rate Brier ${fixed(p.brierBaseline, 4)}), base rate ${fixed(p.baseRate)}, n ${p.n}; trained on ${p.trainedOn.n} people, base rate ${fixed(p.trainedOn.baseRate)}`);
    ctx.out(table(['predicted', 'observed', 'people'], p.calibration.filter((b) => b.count > 0).map((b) => [fixed(b.meanPredicted), fixed(b.observedRate), String(b.count)]), new Set([0, 1, 2])));
  } else ctx.out(`purchase propensity: not available (${p.reason})`);
  const b = report.bgnbd;
  if (b.ok) ctx.out(`BG/NBD (per ${b.timeUnit}): r ${fixed(b.r)}, alpha ${fixed(b.alpha)}, a ${fixed(b.a)}, b ${fixed(b.b)}, log-likelihood ${b.logLikelihood.toFixed(1)}, n ${b.n} (${b.repeatBuyers} repeat buyers); repeat purchases in the horizon: predicted ${b.predictedRepeat.toFixed(1)}, actual ${b.actualRepeat}`);
  else ctx.out(`BG/NBD: not fitted (${b.reason})`);
  const g = report.gammaGamma;
  ctx.out(g.ok ? `Gamma-Gamma spend: p ${fixed(g.p)}, q ${fixed(g.q)}, gamma ${fixed(g.gamma)} (n ${g.n})` : `Gamma-Gamma spend: not fitted (${g.reason})`);
  return 0;
}

async function liftCommand(ctx: CliContext, shopId: string, asOf: string, flags: { json?: boolean; segment?: string; horizon?: string }): Promise<number> {
  if (flags.horizon !== undefined) throw new RefineryError('INPUT', '--horizon applies to report models only');
  ctx.progress.update('report', 'reading orders since each first write-back');
  const rows = await liftReport(ctx.store, shopId, { asOf, ...(flags.segment === undefined ? {} : { segmentKey: flags.segment }) });
  ctx.progress.done();
  if (flags.segment !== undefined && rows.length === 0) throw new RefineryError('NOT_FOUND', `segment "${flags.segment}" has not been written back in ${shopId} yet`);
  if (flags.json) return print(ctx, { shop: shopId, asOf, segments: rows });
  if (rows.length === 0) {
    ctx.out(`no segment of ${shopId} has been written back yet: lift is measured from a segment's first write-back (run \`refinery sync\`)`);
    return 0;
  }
  ctx.out(`holdout lift of ${shopId} up to ${asOf}`);
  const rate = (v: number) => percent(v);
  ctx.out(table(
    ['segment', 'since', 'days', 'treated', 'holdout', 'conv. treated', 'conv. holdout', 'conv. lift (95% CI)', 'rev/person lift'],
    rows.map((r) => {
      const l = r.lift;
      if (!l) return [r.name, r.startedAt.slice(0, 10), String(r.days), '-', '-', '-', '-', r.note ?? '', ''];
      const c = l.conversion;
      const m = l.revenuePerPerson;
      return [
        r.name, r.startedAt.slice(0, 10), String(r.days), String(l.treated.people), String(l.holdout.people),
        rate(l.treated.conversionRate), rate(l.holdout.conversionRate),
        c ? `${(c.absolute * 100).toFixed(1)} pts (${(c.interval.lower * 100).toFixed(1)} to ${(c.interval.upper * 100).toFixed(1)})` : 'not enough data',
        m ? `${m.absolute.toFixed(2)} (${m.interval.lower.toFixed(2)} to ${m.interval.upper.toFixed(2)})` : '-',
      ];
    }),
    new Set([2, 3, 4, 5, 6]),
  ));
  if (flags.segment !== undefined && rows[0]?.lift) ctx.out(describeLift(rows[0].lift));
  return 0;
}

function print(ctx: CliContext, value: unknown): number {
  ctx.out(JSON.stringify(value, null, 2));
  return 0;
}
