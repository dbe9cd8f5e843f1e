// A stable, well-mixed 32-bit hash for deterministic assignment (holdouts), implemented here so it
// never changes with a dependency: MurmurHash3 x86_32 (Austin Appleby, public domain) over the
// UTF-8 bytes of a string. Same input, same output, on every machine and every Node version.
// Not a cryptographic hash: it spreads ids evenly, it does not hide them.

const encoder = new TextEncoder();

/** MurmurHash3 x86_32 of `bytes` with `seed`, as an unsigned 32-bit integer. */
export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  const length = bytes.length;
  const blocks = length - (length & 3);
  let h = seed >>> 0;
  let i = 0;
  for (; i < blocks; i += 4) {
    let k = (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= (bytes[i + 2] as number) << 16;
    if (tail >= 2) k ^= (bytes[i + 1] as number) << 8;
    k ^= bytes[i] as number;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  return fmix32(h);
}

/** MurmurHash3's finaliser: every input bit affects every output bit (avalanche). */
export function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86_32 of the UTF-8 encoding of `text`. */
export function murmur3(text: string, seed = 0): number {
  return murmur3Bytes(encoder.encode(text), seed);
}

/**
 * A point in [0, 1) for a list of string parts: uniform when the parts vary. Parts are joined
 * without ambiguity (each is prefixed by its length), so ("ab", "c") and ("a", "bc") differ.
 * Resolution 2^-32: a share is honoured to within 2.4e-10.
 */
export function unitHash(parts: readonly string[]): number {
  let text = '';
  for (const part of parts) text += `${part.length}:${part};`;
  return murmur3(text) / 4_294_967_296;
}
