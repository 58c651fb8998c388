import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

// Dawn's `GPU` object for Node, from the optional peer `webgpu`. One per process: each new one
// starts a Vulkan instance, and where no driver loads Dawn prints the loader's warnings every
// time, so retries (the registry retries failed backends) would repeat them. Devices are still
// created per backend; only the instance is shared.
let instance: Promise<GPU> | undefined;

/** The `GPU` of Dawn for Node, or BACKEND_UNAVAILABLE saying how to install it. */
export function loadDawn(): Promise<GPU> {
  instance ??= (async () => {
    let dawn: { create: (flags: string[]) => GPU };
    try {
      dawn = (await import('webgpu')) as unknown as { create: (flags: string[]) => GPU };
    } catch (error) {
      throw new MatryoshkaError(
        ErrorCode.BackendUnavailable,
        `webgpu: no navigator.gpu here and the optional peer 'webgpu' (Dawn for Node) is not installed: npm install webgpu (${(error as Error).message})`,
      );
    }
    return dawn.create([]);
  })();
  // A failed import is not remembered: installing the package later and retrying works.
  instance.catch(() => {
    instance = undefined;
  });
  return instance;
}
