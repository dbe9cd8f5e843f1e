// Seeded random numbers for the predict tests' synthetic data (core/ never uses Math.random).
import { mulberry32 } from '../prng.ts';

/** mulberry32 (core/prng.ts): seeded uniform numbers in [0, 1). */
export const seededRandom = mulberry32;

/** Standard normal draws (Box-Muller) from a uniform source. */
export function normalFrom(uniform: () => number): () => number {
  return () => {
    const u = 1 - uniform(); // (0, 1]
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export function logistic(t: number): number {
  return 1 / (1 + Math.exp(-t));
}
