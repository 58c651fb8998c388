/**
 * The one seeded generator of the tests (xorshift32): numbers in [0, 1) from a seed, so a
 * failing or shrunk case replays. Imports nothing, so it runs in a browser page as well.
 */
export function random(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** An integer in [min, max] from `rnd`. */
export const int = (rnd: () => number, min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));

/** Deterministic values in [-4, 4) from a seed. */
export function seededFloats(length: number, seed: number): Float32Array {
  const rnd = random(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rnd() * 8 - 4;
  return out;
}
