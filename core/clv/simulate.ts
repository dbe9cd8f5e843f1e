// Simulation of people under the BG/NBD and Gamma-Gamma processes, for tests, demos and
// backtests of the fitting code. Seeded: the same seed gives the same people.
//   BG/NBD (FHL 2005, section 3): λ ~ Gamma(r, rate α), p ~ Beta(a, b); repeat purchases arrive
//   as a Poisson process with rate λ after the first purchase at time 0; after each repeat
//   purchase the person drops out with probability p (never right after the first purchase).
//   Gamma-Gamma: ν ~ Gamma(q, rate γ); each purchase's spend ~ Gamma(p, rate ν).
import type { BgNbdParams } from './bg-nbd.ts';
import type { GammaGammaParams } from './gamma-gamma.ts';
import { beta, exponential, gamma } from './random.ts';
import type { Random } from './random.ts';
import type { PurchaseSummary } from './summary.ts';

export interface SimulatedPerson {
  /** Latent purchase rate and dropout probability. */
  lambda: number;
  dropout: number;
  /** Repeat purchase times in (0, until], ascending. */
  times: number[];
  /** Time of the purchase after which the person dropped out, or null if active at `until`. */
  droppedOutAt: number | null;
}

/** One person's repeat purchase times from time 0 (first purchase) up to `until`. */
export function simulateBgNbdPerson(params: BgNbdParams, until: number, rng: Random): SimulatedPerson {
  const lambda = gamma(rng, params.r, params.alpha);
  const dropout = beta(rng, params.a, params.b);
  const times: number[] = [];
  if (!(lambda > 0)) return { lambda, dropout, times, droppedOutAt: null };
  let t = 0;
  for (;;) {
    t += exponential(rng, lambda);
    if (t > until) return { lambda, dropout, times, droppedOutAt: null };
    times.push(t);
    if (rng.next() < dropout) return { lambda, dropout, times, droppedOutAt: t };
  }
}

/** Spend on each of `count` purchases of one person (all from the same latent ν). */
export function simulateSpends(params: GammaGammaParams, count: number, rng: Random): number[] {
  const nu = gamma(rng, params.q, params.gamma);
  const spends: number[] = [];
  for (let i = 0; i < count; i += 1) spends.push(gamma(rng, params.p, nu));
  return spends;
}

export interface SimulatedPopulation {
  summaries: PurchaseSummary[];
  /** Repeat purchases of each person in (T, T + holdout]; all 0 without a holdout. */
  holdoutPurchases: number[];
}

export interface SimulationPlan {
  people: number;
  /** Each person's T is uniform in [minT, maxT] (staggered first purchases). */
  minT: number;
  maxT: number;
  /** Length of a holdout window after T. Default 0. */
  holdout?: number;
  /** Spend model; without it meanSpend is null for everyone. */
  spend?: GammaGammaParams;
}

/** Summaries (x, tx, T, meanSpend) of simulated people in continuous time, plus holdout counts. */
export function simulatePopulation(params: BgNbdParams, plan: SimulationPlan, rng: Random): SimulatedPopulation {
  const holdout = plan.holdout ?? 0;
  const summaries: PurchaseSummary[] = [];
  const holdoutPurchases: number[] = [];
  for (let i = 0; i < plan.people; i += 1) {
    const T = plan.minT + (plan.maxT - plan.minT) * rng.next();
    const person = simulateBgNbdPerson(params, T + holdout, rng);
    const inCalibration = person.times.filter((t) => t <= T);
    const x = inCalibration.length;
    let meanSpend: number | null = null;
    if (x > 0 && plan.spend !== undefined) {
      const spends = simulateSpends(plan.spend, x, rng);
      meanSpend = spends.reduce((s, v) => s + v, 0) / x;
    }
    summaries.push({ x, tx: x > 0 ? (inCalibration[x - 1] as number) : 0, T, meanSpend });
    holdoutPurchases.push(person.times.length - x);
  }
  return { summaries, holdoutPurchases };
}
