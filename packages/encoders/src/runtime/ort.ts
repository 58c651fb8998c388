import { ErrorCode, MatryoshkaError, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import type * as OrtCommon from 'onnxruntime-common';

/**
 * The ONNX Runtime module to run on: `import * as ort from 'onnxruntime-node'` (or
 * `onnxruntime-web`). Never `onnxruntime-common` itself: its CJS and ESM copies keep separate
 * backend registries, so only the runtime package's own export is guaranteed to see its backend.
 */
export interface OrtRuntime {
  readonly InferenceSession: Pick<typeof OrtCommon.InferenceSession, 'create'>;
  readonly Tensor: typeof OrtCommon.Tensor;
}

export type InferenceSession = OrtCommon.InferenceSession;
export type SessionOptions = OrtCommon.InferenceSession.SessionOptions;
export type ExecutionProvider = OrtCommon.InferenceSession.ExecutionProviderConfig;

function isRuntime(value: unknown): value is OrtRuntime {
  const v = value as Partial<OrtRuntime> | null;
  return typeof v === 'object' && v !== null && typeof v.InferenceSession?.create === 'function' && typeof v.Tensor === 'function';
}

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * `ort` if given, else `onnxruntime-node` in Node or `onnxruntime-web` elsewhere, imported on first
 * use (both are optional peer dependencies).
 */
export async function resolveOrt(ort: unknown): Promise<OrtRuntime> {
  if (ort !== undefined) {
    if (!isRuntime(ort)) {
      throw argumentError(
        ErrorCode.InvalidArgument,
        'options.ort',
        `expected the onnxruntime-node or onnxruntime-web module (with InferenceSession and Tensor), got ${describe(ort)}`,
      );
    }
    return ort;
  }
  const name = isNode() ? 'onnxruntime-node' : 'onnxruntime-web';
  try {
    // A computed specifier: neither TypeScript nor bundlers try to resolve the peer that is absent.
    const mod = (await import(/* @vite-ignore */ name)) as { default?: unknown };
    const runtime: unknown = isRuntime(mod) ? mod : mod.default;
    if (isRuntime(runtime)) return runtime;
    throw new Error(`${name} has no InferenceSession`);
  } catch (cause) {
    throw new MatryoshkaError(
      ErrorCode.BackendUnavailable,
      `ONNX Runtime is not available: install ${name} (an optional peer dependency) or pass { ort } (${(cause as Error)?.message ?? String(cause)})`,
      { argument: 'options.ort', cause },
    );
  }
}
