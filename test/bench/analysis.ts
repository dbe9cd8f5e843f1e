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
  // The later stages' inputs, as the app reads them from its store (app/analysis/read-history.ts):
  // each person's order instants and amounts, oldest first, and one event per order. Built before
  // the clock starts, like the orders: they are the bench's input, not analysis (built between
  // the stages, inside the total, they took about a second of it).
  const history = new Map<string, { times: number[]; amounts: number[] }>();
  const events: OrderEvent[] = new Array<OrderEvent>(orders.length);
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i] as Order;
    const at = Date.parse(o.processedAt);
    events[i] = { customerId: o.customerId, placedAt: at };
    const id = o.customerId ?? '';
    const entry = history.get(id);
    if (entry === undefined) history.set(id, { times: [at], amounts: [o.total] });
    else {
      entry.times.push(at);
      entry.amounts.push(o.total);
    }
  }
  for (const entry of history.values()) {
    if (entry.times.length < 2) continue;
    const order = entry.times.map((_, i) => i).sort((a, b) => (entry.times[a] as number) - (entry.times[b] as number));
    entry.times = order.map((i) => entry.times[i] as number);
    entry.amounts = order.map((i) => entry.amounts[i] as number);
  }
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
  // The full order objects (line items and all) only feed the features stage: let go of them, so
  // they do not sit in the heap, and in every full garbage collection, for the rest of the run.
  const orderCount = orders.length;
  orders.length = 0;
  const clusters = time('clusters', () => findClusters(now?.rows ?? [], { seed: 1 }));
  const known = (rows: NonNullable<typeof now>['rows'], at: number) => rows.filter((r) => (history.get(r.personId)?.times[0] ?? Infinity) <= at).map((r) => ({ id: r.personId, features: r.values }));
  const propensity = time('purchase propensity (train, calibrate, score)', () =>
    predictFromOrders('purchase', { horizonDays: horizon, asOf, orders: events, rowsAtCutoff: known(atCutoff?.rows ?? [], Date.parse(cutoff)), rowsNow: known(now?.rows ?? [], Date.parse(asOf)) }),
  );
  const clv = time('BG/NBD + Gamma-Gamma fit and 12-month CLV for everyone', () => {
    const asOfDay = Math.floor(Date.parse(asOf) / MS_PER_DAY);
    const summaries: PurchaseSummary[] = [];
    for (const { times, amounts } of history.values()) {
      const s = summarize(times.map((at) => Math.floor(at / MS_PER_DAY)), amounts, asOfDay, 'week');
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
    orders: orderCount,
    stages,
    totalSeconds,
    k: clusters.status === 'clustered' ? clusters.report.k : null,
    propensityAuc: propensity.report.crossValidated.calibrated.auc,
    bgnbdOk: clv.ok,
  };
}
