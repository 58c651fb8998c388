// WebAssembly SIMD kernels for the CPU pyramid (AssemblyScript). Built by scripts/build-wasm.mjs
// into src/wasm/kernels-wasm.ts; the TypeScript kernels in src/kernels are the reference these
// are tested against. All pointers are byte offsets into this module's memory, managed from JS;
// every array is float32, row-major [frames][rows][cols][channels].

/** First byte JS may use (everything below belongs to this module's static data). */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * 2×2 average pooling with stride 2 where every window is full: four vector loads and one
 * store per four output values. The hot path of M3 pyramids (24→12→6→3). Four float32 values
 * are summed in float32 (within a few ulp of the largest input); a sum that overflows shows as a
 * non-finite output, and the caller then re-runs the pyramid in float64 (run-steps-wasm.ts).
 * Returns 1 when every output is finite, 0 when a NaN/±Infinity was written (checked on the fly:
 * `v - v` is NaN exactly for those, and `v != v` flags NaN).
 */
export function pool2x2(src: usize, dst: usize, frames: i32, rows: i32, cols: i32, channels: i32, outRows: i32, outCols: i32): i32 {
  const cellBytes = (<usize>channels) << 2;
  const rowBytes = <usize>cols * cellBytes;
  const vecBytes = (<usize>(channels & ~3)) << 2;
  const quarter = f32x4.splat(0.25);
  let bad = i32x4.splat(0);
  let badTail: f32 = 0;
  let o = dst;
  for (let f = 0; f < frames; f++) {
    const frame = src + <usize>f * <usize>rows * rowBytes;
    for (let r = 0; r < outRows; r++) {
      const top = frame + <usize>(2 * r) * rowBytes;
      for (let c = 0; c < outCols; c++) {
        const a = top + <usize>(2 * c) * cellBytes;
        const b = a + cellBytes;
        const d = a + rowBytes;
        const e = d + cellBytes;
        let off: usize = 0;
        for (; off < vecBytes; off += 16) {
          const s = f32x4.mul(f32x4.add(f32x4.add(v128.load(a + off), v128.load(b + off)), f32x4.add(v128.load(d + off), v128.load(e + off))), quarter);
          v128.store(o + off, s);
          const z = f32x4.sub(s, s);
          bad = v128.or(bad, f32x4.ne(z, z));
        }
        for (; off < cellBytes; off += 4) {
          const s = (load<f32>(a + off) + load<f32>(b + off) + load<f32>(d + off) + load<f32>(e + off)) * 0.25;
          store<f32>(o + off, s);
          badTail += s - s;
        }
        o += cellBytes;
      }
    }
  }
  return !v128.any_true(bad) && badTail == 0 ? 1 : 0;
}

/**
 * Non-overlapping `mRows×mCols` block averaging with clipped edge windows and optional per-row /
 * per-column cell weights (0 = all 1): the general case of `blockPool` in src/kernels.
 * Sums run in float64 like the TypeScript reference: a large window of float32 values can neither
 * overflow nor lose its mean to rounding. `acc` is scratch space for one output cell
 * (`channels` float64 values). Returns 1 when every output is finite (as `pool2x2`).
 */
export function poolBlock(
  src: usize,
  dst: usize,
  acc: usize,
  frames: i32,
  rows: i32,
  cols: i32,
  channels: i32,
  mRows: i32,
  mCols: i32,
  outRows: i32,
  outCols: i32,
  rowWeights: usize,
  colWeights: usize,
): i32 {
  const cellBytes = (<usize>channels) << 2;
  const accBytes = (<usize>channels) << 3;
  const rowBytes = <usize>cols * cellBytes;
  const vecBytes = (<usize>(channels & ~3)) << 2;
  let bad = i32x4.splat(0);
  let badTail: f32 = 0;
  let o = dst;
  for (let f = 0; f < frames; f++) {
    const frame = src + <usize>f * <usize>rows * rowBytes;
    for (let r = 0; r < outRows; r++) {
      const i0 = r * mRows;
      const i1 = min(i0 + mRows, rows);
      for (let c = 0; c < outCols; c++) {
        const j0 = c * mCols;
        const j1 = min(j0 + mCols, cols);
        memory.fill(acc, 0, accBytes);
        let total: f64 = 0;
        for (let i = i0; i < i1; i++) {
          const wr: f64 = rowWeights == 0 ? 1 : <f64>load<f32>(rowWeights + ((<usize>i) << 2));
          for (let j = j0; j < j1; j++) {
            const w: f64 = colWeights == 0 ? wr : wr * <f64>load<f32>(colWeights + ((<usize>j) << 2));
            total += w;
            const cell = frame + <usize>i * rowBytes + <usize>j * cellBytes;
            const wv = f64x2.splat(w);
            let off: usize = 0;
            for (; off < vecBytes; off += 16) {
              const v = v128.load(cell + off);
              const lo = f64x2.promote_low_f32x4(v);
              const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
              const a = acc + (off << 1);
              v128.store(a, f64x2.add(v128.load(a), f64x2.mul(wv, lo)));
              v128.store(a + 16, f64x2.add(v128.load(a + 16), f64x2.mul(wv, hi)));
            }
            for (; off < cellBytes; off += 4) {
              const a = acc + (off << 1);
              store<f64>(a, load<f64>(a) + w * <f64>load<f32>(cell + off));
            }
          }
        }
        const inv = f64x2.splat(1 / total);
        let off: usize = 0;
        for (; off < vecBytes; off += 16) {
          const a = acc + (off << 1);
          const lo = f32x4.demote_f64x2_zero(f64x2.mul(v128.load(a), inv));
          const hi = f32x4.demote_f64x2_zero(f64x2.mul(v128.load(a + 16), inv));
          const v = v128.shuffle<f32>(lo, hi, 0, 1, 4, 5);
          v128.store(o + off, v);
          const z = f32x4.sub(v, v);
          bad = v128.or(bad, f32x4.ne(z, z));
        }
        for (; off < cellBytes; off += 4) {
          const v = <f32>(load<f64>(acc + (off << 1)) / total);
          store<f32>(o + off, v);
          badTail += v - v;
        }
        o += cellBytes;
      }
    }
  }
  return !v128.any_true(bad) && badTail == 0 ? 1 : 0;
}
