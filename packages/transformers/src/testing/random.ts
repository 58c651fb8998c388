/**
 * Seeded uniform random numbers for generated weights. Every tensor gets its own stream, keyed by
 * (seed, tensor name), so files are byte-identical for the same spec and seed whatever order or
 * chunk size the writer uses.
 */
export class TensorRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, key: string) {
    // FNV-1a over the key, then splitmix32 to spread (seed, key) over the four state words.
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    let s = (h ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  /** sfc32: a fast 32-bit generator with a 2^128 state, plenty for weight tensors. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Fills `out` with uniform values of mean `mean` and standard deviation `std`. */
  fillUniform(out: Float32Array, std: number, mean = 0): Float32Array {
    // U(-a, a) has standard deviation a/sqrt(3).
    const scale = (std * Math.sqrt(3) * 2) / 4294967296;
    const offset = mean - std * Math.sqrt(3);
    for (let i = 0; i < out.length; i++) out[i] = this.nextUint32() * scale + offset;
    return out;
  }
}
