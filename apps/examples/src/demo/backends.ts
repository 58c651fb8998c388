import { listBackends, selectBackend, type Backend, type BackendStatus } from '@matryoshka/core';
import '@matryoshka/pooling'; // registers 'cpu'
import '@matryoshka/backend-webgpu'; // registers 'webgpu' (used when a WebGPU adapter exists)
import '@matryoshka/backend-cuda'; // registers 'cuda' (used with an NVIDIA driver; koffi loads only then)

export interface BackendChoice {
  readonly backend: Backend<unknown>;
  /** Every registered backend, with the reason when unavailable. */
  readonly statuses: readonly BackendStatus[];
  /** The backends tried before the chosen one, with the reason each was passed over. */
  readonly skipped: readonly BackendStatus[];
  readonly forced: boolean;
}

/** The best available backend, or `name`; says which were passed over and why. */
export async function chooseBackend(name?: string): Promise<BackendChoice> {
  const statuses = await listBackends();
  const { backend, skipped } = await selectBackend(name);
  return { backend, statuses, skipped, forced: name !== undefined };
}
