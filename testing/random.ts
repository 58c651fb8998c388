/** Deterministic values in [-4, 4) from a seed (xorshift32), so a failing or shrunk case replays. */
export function seededFloats(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let s = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 8 - 4;
  }
  return out;
}
