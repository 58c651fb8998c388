/** Element types a buffer can hold. float16 is stored packed, two halves per u32. */
export type GpuDType = 'float32' | 'float16';

export type PoolOp = 'average' | 'max';

export interface PoolVariant {
  readonly src: GpuDType;
  readonly dst: GpuDType;
  readonly op: PoolOp;
  /**
   * Channels per invocation: 4 reads and writes `vec4<f32>` (float32 in and out, channels and
   * offsets multiples of 4) — a quarter of the invocations and index arithmetic; 1 otherwise.
   */
  readonly lanes: 1 | 4;
  readonly workgroupSize: number;
}

/** Uniform block of one pass: 16 u32 (64 bytes), laid out as `Params` below. */
export const PARAM_WORDS = 16;

/**
 * WGSL for one pooling pass over `[frames][rows][cols][channels]`: every output value is the
 * weighted sum (or the max) over the product of a frame window, a row window and a column window,
 * read from a window table. This one kernel serves avg floor/ceil, adaptive, bilinear, max,
 * spatio-temporal average, the sampling baselines and every step of a chained pyramid.
 *
 * float16 data travels as `array<u32>` and is unpacked with `unpack2x16float` (core WGSL, no
 * `shader-f16` needed); a float16 output invocation writes two neighbouring values as one word.
 * Input values whose exponent bits are all ones (NaN, ±Inf) set `flag[0]`.
 */
export function poolWgsl(v: PoolVariant): string {
  const wide = v.lanes === 4;
  const T = wide ? 'vec4<f32>' : 'f32';
  const U = wide ? 'vec4<u32>' : 'u32';
  const srcArray = v.src === 'float16' ? 'array<u32>' : `array<${T}>`;
  const dstArray = v.dst === 'float16' ? 'array<u32>' : `array<${T}>`;
  const load =
    v.src === 'float16'
      ? 'let j = p.inBase + i; return unpack2x16float(src[j >> 1u])[j & 1u];'
      : wide
        ? 'return src[(p.inBase + i) >> 2u];'
        : 'return src[p.inBase + i];';
  const accumulate =
    v.op === 'average'
      ? 'acc = acc + (wf * wr * table_weight(cw + (j - cs))) * x;'
      : // Max starts from the first value read (a window is never empty); NaN sticks like PyTorch's.
        `acc = select(acc, x, ${wide ? 'vec4<bool>(first) | (x > acc) | is_nan(x)' : 'first || x > acc || is_nan(x)'}); first = false;`;
  const anyBad = wide ? 'any' : '';
  const store =
    v.dst === 'float16'
      ? `let e0 = idx * 2u;
  if (e0 >= p.total) { return; }
  var hi = 0.0;
  if (e0 + 1u < p.total) { hi = value(e0 + 1u); }
  dst[(p.outBase >> 1u) + idx] = pack2x16float(vec2<f32>(value(e0), hi));`
      : wide
        ? `if (idx * 4u >= p.total) { return; }
  dst[(p.outBase >> 2u) + idx] = value(idx * 4u);`
        : `if (idx >= p.total) { return; }
  dst[p.outBase + idx] = value(idx);`;
  return /* wgsl */ `
struct Params {
  inFrames: u32, inRows: u32, inCols: u32, channels: u32,
  outFrames: u32, outRows: u32, outCols: u32, total: u32,
  inBase: u32, outBase: u32, frameTable: u32, rowTable: u32,
  colTable: u32, frame0: u32, row0: u32, inOrigin: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: ${srcArray};
@group(0) @binding(2) var<storage, read_write> dst: ${dstArray};
@group(0) @binding(3) var<storage, read> table: array<u32>;
@group(0) @binding(4) var<storage, read_write> flag: array<atomic<u32>>;

var<private> bad: bool = false;

fn is_nan(x: ${T}) -> ${wide ? 'vec4<bool>' : 'bool'} { return (bitcast<${U}>(x) & ${U}(0x7fffffffu)) > ${U}(0x7f800000u); }

fn table_weight(i: u32) -> f32 { return bitcast<f32>(table[i]); }

fn load(i: u32) -> ${T} { ${load} }

// Output element e of this pass (a chunk of frames, or of rows of one frame); with 4 lanes,
// channels e .. e + 3.
fn value(e: u32) -> ${T} {
  let ch = e % p.channels;
  let cell = e / p.channels;
  let c = cell % p.outCols;
  let fr = cell / p.outCols;
  let r = p.row0 + fr % p.outRows;
  let t = p.frame0 + fr / p.outRows;
  let ft = p.frameTable + 3u * t;
  let rt = p.rowTable + 3u * r;
  let ct = p.colTable + 3u * c;
  let fs = table[ft]; let fe = table[ft + 1u]; let fw = table[ft + 2u];
  let rs = table[rt]; let re = table[rt + 1u]; let rw = table[rt + 2u];
  let cs = table[ct]; let ce = table[ct + 1u]; let cw = table[ct + 2u];
  var acc = ${T}(0.0);
  var first = true;
  for (var f = fs; f < fe; f = f + 1u) {
    let wf = table_weight(fw + (f - fs));
    for (var i = rs; i < re; i = i + 1u) {
      let wr = table_weight(rw + (i - rs));
      let rowStart = ((f * p.inRows + i) * p.inCols) * p.channels - p.inOrigin;
      for (var j = cs; j < ce; j = j + 1u) {
        let x = load(rowStart + j * p.channels + ch);
        if (${anyBad}((bitcast<${U}>(x) & ${U}(0x7f800000u)) == ${U}(0x7f800000u))) { bad = true; }
        ${accumulate}
      }
    }
  }
  return acc;
}

@compute @workgroup_size(${v.workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * ${v.workgroupSize}u;
  ${store}
  if (bad) { atomicOr(&flag[0], 1u); }
}
`;
}
