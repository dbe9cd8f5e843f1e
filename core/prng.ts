// Seeded pseudo-randomness for core/: core never calls Math.random, every random choice comes from
// a seed the caller gives. mulberry32 is a small, fast 32-bit generator (Tommy Ettinger's);
// plenty for choosing samples and kmeans++ seeds, not for anything secret.

/** A generator of floats in [0, 1) from a 32-bit seed. The same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Final mix of murmur3: spreads the bits of a 32-bit value. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit seed derived from a seed and some integers (e.g. k and the start number). */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = mix32(seed ^ 0x9e3779b9);
  for (const part of parts) h = mix32(h ^ mix32(part + 0x7f4a7c15));
  return h;
}

/** A seeded 32-bit hash of a string (FNV-1a over UTF-16 code units, then mixed with the seed). */
export function hashString(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ mix32(seed);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/**
 * A deterministic sample of at most `size` keys: the ones with the smallest seeded hash (ties by
 * key). Returns their positions in `keys`, in hash order. Membership depends only on each key and
 * the seed, so adding or removing a few people changes the sample by about as many people: runs
 * on nearly the same data see nearly the same sample. O(n log n) time, O(n) memory.
 */
export function hashSample(keys: readonly string[], size: number, seed: number): number[] {
  const n = keys.length;
  const hashes = new Uint32Array(n);
  for (let i = 0; i < n; i++) hashes[i] = hashString(keys[i] as string, seed);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    const byHash = (hashes[a] as number) - (hashes[b] as number);
    if (byHash !== 0) return byHash;
    const keyA = keys[a] as string;
    const keyB = keys[b] as string;
    return keyA < keyB ? -1 : keyA > keyB ? 1 : a - b;
  });
  return order.slice(0, Math.max(0, Math.min(n, Math.floor(size))));
}
