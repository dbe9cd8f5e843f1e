// Bench: features, clusters and predictions for N people (default 100,000) with the pure core,
// timed per stage. Orders are generated in memory with the seeded store generator (skewed: many
// one-time buyers, a loyal head), already keyed by person as the sync keys them.
import { fitBgNbd } from '../../core/clv/bg-nbd.ts';
import { predictClv } from '../../core/clv/clv.ts';
import { fitGammaGamma } from '../../core/clv/gamma-gamma.ts';
import { summarize, type PurchaseSummary } from '../../core/clv/summary.ts';
import { findClusters } from '../../core/clusters/cluster-run.ts';
import { createFeatureAccumulator } from '../../core/features/feature-accumulator.ts';
import { MS_PER_DAY } from '../../core/instant.ts';
import type { Order } from '../../core/model.ts';
import { predictFromOrders, type OrderEvent } from '../../core/predict/time-split.ts';
import { generateStore } from './store-generator.ts';

export interface AnalysisBenchResult {
  people: number;
  orders: number;
  stages: Record<string, number>;
  totalSeconds: number;
  k: number | null;
  propensityAuc: number | null;
  bgnbdOk: boolean;
}

export function benchAnalysis(options: { people: number; orders: number; log: (line: string) => void }): AnalysisBenchResult {
  const end = new Date('2026-11-01T00:00:00Z');
  const asOf = end.toISOString();
  const horizon = 90;
  const cutoff = new Date(end.getTime() - horizon * MS_PER_DAY).toISOString();
  const generated = generateStore({ customers: options.people, orders: options.orders, seed: 7, end });
  const orders: Order[] = [];
  for (const o of generated.orders()) {
    orders.push({
      source: 'shopify', id: `o${o.id}`, customerId: `p${o.customerId}`, email: null, processedAt: o.processedAt ?? o.createdAt, cancelledAt: null,
      currency: 'USD', total: o.lineItems.reduce((s, li) => s + li.price * li.quantity, 0), refunded: 0, discount: 0,
      lineItems: o.lineItems.map((li) => ({ title: li.title, quantity: li.quantity, price: li.price, productType: li.productType ?? null, vendor: null, sku: null })),
      updatedAt: o.processedAt ?? o.createdAt,
    });
  }
  const people = Array.from({ length: options.people }, (_, i) => `p${i + 1}`);
  options.log(`generated ${people.length.toLocaleString('en')} people and ${orders.length.toLocaleString('en')} orders`);
  const stages: Record<string, number> = {};
  const time = <T>(name: string, fn: () => T): T => {
    const started = performance.now();
    const value = fn();
    stages[name] = Math.round(performance.now() - started) / 1000;
    options.log(`  ${name}: ${stages[name]} s`);
    return value;
  };
  const totalStart = performance.now();
  const [now, atCutoff] = time('features (as of T and T - 90 d)', () =>
    [asOf, cutoff].map((date) => {
      const acc = createFeatureAccumulator({ asOf: date });
      acc.addPeople(people);
      for (let i = 0; i < orders.length; i += 5000) acc.addOrders(orders.slice(i, i + 5000));
      return acc.result();
    }),
  );
  const clusters = time('clusters', () => findClusters(now?.rows ?? [], { seed: 1 }));
  // Order instants and amounts per person, oldest first.
  const history = new Map<string, Array<{ at: number; amount: number }>>();
  for (const o of orders) {
    const list = history.get(o.customerId ?? '') ?? [];
    list.push({ at: Date.parse(o.processedAt), amount: o.total });
    history.set(o.customerId ?? '', list);
  }
  for (const list of history.values()) list.sort((a, b) => a.at - b.at);
  const events: OrderEvent[] = orders.map((o) => ({ customerId: o.customerId, placedAt: Date.parse(o.processedAt) }));
  const known = (rows: NonNullable<typeof now>['rows'], at: number) => rows.filter((r) => (history.get(r.personId)?.[0]?.at ?? Infinity) <= at).map((r) => ({ id: r.personId, features: r.values }));
  const propensity = time('purchase propensity (train, calibrate, score)', () =>
    predictFromOrders('purchase', { horizonDays: horizon, asOf, orders: events, rowsAtCutoff: known(atCutoff?.rows ?? [], Date.parse(cutoff)), rowsNow: known(now?.rows ?? [], Date.parse(asOf)) }),
  );
  const clv = time('BG/NBD + Gamma-Gamma fit and 12-month CLV for everyone', () => {
    const asOfDay = Math.floor(Date.parse(asOf) / MS_PER_DAY);
    const summaries: PurchaseSummary[] = [];
    for (const list of history.values()) {
      const s = summarize(list.map((o) => Math.floor(o.at / MS_PER_DAY)), list.map((o) => o.amount), asOfDay, 'week');
      if (s) summaries.push(s);
    }
    const bg = fitBgNbd(summaries, { unit: 'week' });
    const gg = fitGammaGamma(summaries);
    if (bg.ok) for (const s of summaries) predictClv({ bgNbd: bg.params, gammaGamma: gg.ok ? gg.params : null, unit: 'week' }, s);
    return bg;
  });
  const totalSeconds = Math.round(performance.now() - totalStart) / 1000;
  return {
    people: people.length,
    orders: orders.length,
    stages,
    totalSeconds,
    k: clusters.status === 'clustered' ? clusters.report.k : null,
    propensityAuc: propensity.report.crossValidated.calibrated.auc,
    bgnbdOk: clv.ok,
  };
}
