import type { Contender } from '../types.js';

/**
 * The bandwidth baseline: `copyBufferToBuffer` of the whole input into a buffer of the same size
 * allocated once, one submit, `onSubmittedWorkDone()`. Reads and writes every input byte once.
 */
export function deviceCopy(): Contender {
  return {
    name: 'device copy (copyBufferToBuffer)',
    description: 'one command buffer with copyBufferToBuffer(input → preallocated buffer of the same size) → submit → await device.queue.onSubmittedWorkDone()',
    kind: 'copy',
    residency: 'gpu',
    setup: (ctx) => {
      const { device, inputBuffer } = ctx;
      let dst: GPUBuffer | undefined = device.createBuffer({ label: 'bench copy', size: inputBuffer.size, usage: GPUBufferUsage.COPY_DST });
      return Promise.resolve({
        run: async () => {
          if (dst === undefined) throw new Error('device copy: disposed');
          const encoder = device.createCommandEncoder({ label: 'bench copy' });
          encoder.copyBufferToBuffer(inputBuffer, 0, dst, 0, inputBuffer.size);
          device.queue.submit([encoder.finish()]);
          await device.queue.onSubmittedWorkDone();
          return undefined;
        },
        dispose: () => {
          dst?.destroy();
          dst = undefined;
        },
      });
    },
  };
}
