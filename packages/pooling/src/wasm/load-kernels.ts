import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';

export interface WasmKernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  /** Returns 1 when every output written is finite. */
  pool2x2(src: number, dst: number, frames: number, rows: number, cols: number, channels: number, outRows: number, outCols: number): number;
  poolBlock(
    src: number,
    dst: number,
    acc: number,
    frames: number,
    rows: number,
    cols: number,
    channels: number,
    mRows: number,
    mCols: number,
    outRows: number,
    outCols: number,
    rowWeights: number,
    colWeights: number,
  ): number;
}

let cached: WasmKernelExports | null | undefined;
let failure = '';

/**
 * The SIMD kernels, instantiated once on first use (synchronously: the module is ~1 KB, under
 * browsers' main-thread limit). `null` where WebAssembly SIMD is unavailable; `wasmUnavailableReason()` says why.
 */
export function wasmKernels(): WasmKernelExports | null {
  if (cached !== undefined) return cached;
  try {
    if (typeof WebAssembly !== 'object') throw new Error('WebAssembly is not available');
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    if (!WebAssembly.validate(bytes)) throw new Error('this engine does not support WebAssembly SIMD');
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: {
        abort: () => {
          throw new Error('matryoshka wasm kernel aborted');
        },
      },
    });
    cached = instance.exports as unknown as WasmKernelExports;
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    cached = null;
  }
  return cached;
}

export function wasmUnavailableReason(): string {
  return failure;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
