/** Element types a device buffer can hold. Arithmetic always runs in float32. */
export type CudaDType = 'float32' | 'float16' | 'bfloat16';

export const DTYPES: readonly CudaDType[] = ['float32', 'float16', 'bfloat16'];

const SUFFIX: Record<CudaDType, string> = { float32: 'f32', float16: 'f16', bfloat16: 'bf16' };

export const elementBytes = (t: CudaDType): number => (t === 'float32' ? 4 : 2);

/** The PTX entry point for a kernel and its element types (kernels/pool.cu's MT_ENTRY). */
export function kernelName(kind: 'pyramid' | 'window', src: CudaDType, dst: CudaDType): string {
  return `matryoshka_${kind}_${SUFFIX[src]}_${SUFFIX[dst]}`;
}
