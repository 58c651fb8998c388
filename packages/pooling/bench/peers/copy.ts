import type { Contender } from '../types.js';

export type CopyMode = 'set' | 'slice';

/**
 * `set`: `dst.set(src)` into a preallocated array of the input's size, the memory-bandwidth ceiling.
 * `slice`: `src.slice()`, a copy into a new array, so it also pays for allocating and first touching
 * fresh memory, as every contender that returns new levels does.
 */
export function copy(mode: CopyMode = 'set', minSamples?: number): Contender {
  return {
    name: mode === 'set' ? 'copy (dst.set)' : 'copy (src.slice)',
    outputs: mode === 'set' ? 'reused' : 'fresh',
    description:
      mode === 'set'
        ? 'Float32Array.prototype.set of the whole input into a preallocated array of the same size'
        : 'Float32Array.prototype.slice of the whole input (a new array each run: allocation and page faults included)',
    kind: 'copy',
    ...(minSamples === undefined ? {} : { minSamples }),
    setup: (_shape, input) => {
      let dst: Float32Array | undefined = mode === 'set' ? new Float32Array(input.length) : undefined;
      return Promise.resolve({
        run: () => {
          if (dst === undefined) input.slice();
          else dst.set(input);
          return undefined;
        },
        dispose: () => {
          dst = undefined;
        },
      });
    },
  };
}
