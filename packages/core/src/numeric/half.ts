/**
 * float32 ⇄ float16 (IEEE binary16) and bfloat16 on the CPU, round to nearest even, to prepare
 * half-precision inputs and to read half-precision levels back.
 */
import { ErrorCode, argumentError } from '../errors.js';
import { describe } from '../validate.js';

const f32 = new Float32Array(1);

function expect<T>(value: unknown, type: { new (...args: never[]): T; name: string }, argument: string): T {
  if (!(value instanceof type)) throw argumentError(ErrorCode.InvalidArgument, argument, `expected a ${type.name}, got ${describe(value)}`);
  return value;
}
const u32 = new Uint32Array(f32.buffer);

export function toFloat16(values: Float32Array): Uint16Array {
  expect(values, Float32Array, 'values');
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = halfBits(values[i]!);
  return out;
}

export function fromFloat16(bits: Uint16Array): Float32Array {
  expect(bits, Uint16Array, 'bits');
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfValue(bits[i]!);
  return out;
}

export function toBfloat16(values: Float32Array): Uint16Array {
  expect(values, Float32Array, 'values');
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i]!;
    const x = u32[0]!;
    // NaN stays NaN (rounding could carry it into infinity); others round to nearest even.
    out[i] = (x & 0x7fffffff) > 0x7f800000 ? (x >>> 16) | 0x40 : ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return out;
}

export function fromBfloat16(bits: Uint16Array): Float32Array {
  expect(bits, Uint16Array, 'bits');
  const out = new Float32Array(bits.length);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i]! << 16;
  return out;
}

function halfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1) === 1) ? 1 : 0));
  }
  const half = mant >>> 13;
  const rest = mant & 0x1fff;
  let bits = (e << 10) | half;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) bits += 1; // a carry into the exponent is correct
  return sign | bits;
}

function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
