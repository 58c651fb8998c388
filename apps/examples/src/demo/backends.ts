import { ErrorCode, MatryoshkaError, listBackends, selectBackend, type Backend, type BackendStatus } from '@matryoshka/core';
import '@matryoshka/pooling'; // registers 'cpu'
import '@matryoshka/backend-webgpu'; // registers 'webgpu' (used when a WebGPU adapter exists)

// @matryoshka/backend-cuda is optional here: the examples workspace does not depend on it, so its
// build may be absent. A non-literal specifier keeps the type checker from requiring its types.
const CUDA_PACKAGE = '@matryoshka/backend-cuda';
let cudaImport: Promise<string | undefined> | undefined;

/** Registers cpu, webgpu and (when its package loads) cuda. Resolves to why cuda could not be imported, if so. */
export function registerBackends(): Promise<string | undefined> {
  cudaImport ??= import(CUDA_PACKAGE).then(
    () => undefined,
    (error: unknown) =>
      (error as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND'
        ? `${CUDA_PACKAGE} is not built or installed here (npm run build -w ${CUDA_PACKAGE})`
        : `${CUDA_PACKAGE} failed to load: ${firstLine(error)}`,
  );
  return cudaImport;
}

export interface BackendChoice {
  readonly backend: Backend<unknown>;
  /** Every registered backend (and cuda when its package is missing), with the reason when unavailable. */
  readonly statuses: readonly BackendStatus[];
  /** The backends tried before the chosen one, with the reason each was passed over. */
  readonly skipped: readonly BackendStatus[];
  readonly forced: boolean;
}

/** The best available backend, or `name`; says which were passed over and why. */
export async function chooseBackend(name?: string): Promise<BackendChoice> {
  const cudaMissing = await registerBackends();
  const extra: BackendStatus[] = cudaMissing === undefined ? [] : [{ name: 'cuda', priority: 20, available: false, reason: cudaMissing }];
  const statuses = [...extra, ...(await listBackends())];
  if (name === 'cuda' && cudaMissing !== undefined) {
    throw new MatryoshkaError(ErrorCode.BackendUnavailable, `backend 'cuda' cannot start: ${cudaMissing}`, { argument: 'backend' });
  }
  const { backend, skipped } = await selectBackend(name);
  // selectBackend tries only registered backends; a missing cuda package was passed over too.
  const passed = name === undefined ? [...extra, ...skipped] : skipped;
  return { backend, statuses, skipped: passed, forced: name !== undefined };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!;
}
