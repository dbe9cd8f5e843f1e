// A seeded pseudo-random source and the samplers the CLV simulations need. core/ never uses
// Math.random: whoever wants randomness passes a seed, so every run can be repeated exactly.
// Generator: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
// Gamma: Marsaglia & Tsang (2000), "A simple method for generating gamma variables", with the
// u^(1/k) boost for shape k < 1. Beta(a, b) = X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).

export interface Random {
  /** Uniform on [0, 1), 53 random bits. */
  next(): number;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128** seeded from a 32-bit integer seed. */
export function createRandom(seed: number): Random {
  const init = splitmix32(seed);
  let s0 = init();
  let s1 = init();
  let s2 = init();
  let s3 = init();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    next(): number {
      const hi = nextUint32() >>> 5; // 27 bits
      const lo = nextUint32() >>> 6; // 26 bits
      return (hi * 67_108_864 + lo) / 9_007_199_254_740_992;
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Uniform on (0, 1): never exactly 0, so logs and powers stay finite. */
export function uniformOpen(rng: Random): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  return u;
}

/** Standard normal by the Marsaglia polar method (one value per call; the pair's twin is dropped). */
export function normal(rng: Random): number {
  for (;;) {
    const u = 2 * rng.next() - 1;
    const v = 2 * rng.next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** Exponential with the given rate (mean 1 / rate). */
export function exponential(rng: Random, rate: number): number {
  return -Math.log(uniformOpen(rng)) / rate;
}

/** Gamma with shape k > 0 and the given rate (mean k / rate). */
export function gamma(rng: Random, shape: number, rate = 1): number {
  if (shape < 1) {
    // G(k) = G(k + 1) * U^(1/k)
    return gamma(rng, shape + 1, rate) * Math.pow(uniformOpen(rng), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniformOpen(rng);
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/** Beta(a, b) as a ratio of gammas. */
export function beta(rng: Random, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  const sum = x + y;
  // Both can underflow to 0 for tiny shapes; fall back to the side with the larger shape.
  return sum > 0 ? x / sum : a >= b ? 1 : 0;
}
