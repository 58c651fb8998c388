/**
 * Separable resampling the way Pillow's `Image.resize` does it (what CLIP's and SigLIP's Python
 * preprocessors call): each output pixel averages the source pixels under a filter centred on it,
 * widened by the scale factor when shrinking (antialiasing). Bicubic uses a = −0.5 like Pillow.
 * Unlike Pillow on 8-bit images, the pass between the two directions stays in float32 instead of
 * being rounded to 8 bits, so results may differ from Pillow's by about one 8-bit step.
 */
export type Interpolation = 'bicubic' | 'bilinear';

interface Filter {
  readonly support: number;
  readonly at: (x: number) => number;
}

const FILTERS: Record<Interpolation, Filter> = {
  bilinear: { support: 1, at: (x) => Math.max(0, 1 - Math.abs(x)) },
  bicubic: {
    support: 2,
    at: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
};

/** For each output index: the first source index and its normalized weights. */
interface AxisTaps {
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly taps: number; // weights per output (max)
  readonly weights: Float32Array;
}

/**
 * Taps for outputs `[from, from + length)` of a resize of `inSize` to `outSize` (the crop after a
 * resize only computes the kept outputs).
 */
function axisTaps(inSize: number, outSize: number, from: number, length: number, filter: Filter): AxisTaps {
  const scale = inSize / outSize;
  const widen = Math.max(scale, 1);
  const support = filter.support * widen;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(length);
  const count = new Int32Array(length);
  const weights = new Float32Array(length * taps);
  for (let o = 0; o < length; o++) {
    const center = (from + o + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    let sum = 0;
    for (let k = lo; k < hi; k++) {
      const w = filter.at((k - center + 0.5) / widen);
      weights[o * taps + k - lo] = w;
      sum += w;
    }
    for (let k = 0; k < hi - lo; k++) weights[o * taps + k] = sum === 0 ? 0 : weights[o * taps + k]! / sum;
    first[o] = lo;
    count[o] = hi - lo;
  }
  return { first, count, taps, weights };
}

export interface ResampleRegion {
  /** The size the whole image is resized to. */
  readonly width: number;
  readonly height: number;
  /** The window of that resized image to produce (a center crop), in its pixels. */
  readonly left: number;
  readonly top: number;
  readonly cropWidth: number;
  readonly cropHeight: number;
}

/**
 * Resizes 8-bit pixels (`channels` 1, 3 or 4; alpha dropped, gray repeated) and returns the
 * cropped window as float32 RGB, interleaved `[y][x][rgb]`, values in 0…255.
 */
export function resampleRgb(
  data: ArrayLike<number>,
  inWidth: number,
  inHeight: number,
  channels: number,
  region: ResampleRegion,
  interpolation: Interpolation,
): Float32Array {
  const filter = FILTERS[interpolation];
  const xs = axisTaps(inWidth, region.width, region.left, region.cropWidth, filter);
  const ys = axisTaps(inHeight, region.height, region.top, region.cropHeight, filter);
  const outW = region.cropWidth;
  const outH = region.cropHeight;
  const step = channels;
  const g = channels === 1 ? 0 : 1;
  const b = channels === 1 ? 0 : 2;

  // Horizontal pass over only the source rows some output row reads.
  const rowLo = ys.first[0]!;
  const rowHi = ys.first[outH - 1]! + ys.count[outH - 1]!;
  const mid = new Float32Array((rowHi - rowLo) * outW * 3);
  for (let y = rowLo; y < rowHi; y++) {
    const src = y * inWidth * step;
    const dst = (y - rowLo) * outW * 3;
    for (let x = 0; x < outW; x++) {
      let r = 0;
      let gg = 0;
      let bb = 0;
      const base = x * xs.taps;
      const first = xs.first[x]!;
      for (let k = 0, n = xs.count[x]!; k < n; k++) {
        const w = xs.weights[base + k]!;
        const p = src + (first + k) * step;
        r += w * data[p]!;
        gg += w * data[p + g]!;
        bb += w * data[p + b]!;
      }
      mid[dst + x * 3] = r;
      mid[dst + x * 3 + 1] = gg;
      mid[dst + x * 3 + 2] = bb;
    }
  }

  const out = new Float32Array(outW * outH * 3);
  for (let y = 0; y < outH; y++) {
    const base = y * ys.taps;
    const first = ys.first[y]! - rowLo;
    const n = ys.count[y]!;
    const dst = y * outW * 3;
    for (let i = 0; i < outW * 3; i++) {
      let v = 0;
      for (let k = 0; k < n; k++) v += ys.weights[base + k]! * mid[(first + k) * outW * 3 + i]!;
      // Pillow clamps to the 8-bit range; cubic overshoot would otherwise leave it.
      out[dst + i] = v < 0 ? 0 : Math.min(v, 255);
    }
  }
  return out;
}
