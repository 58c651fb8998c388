import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import type { ExecutionProvider, InferenceSession, OrtRuntime, SessionOptions } from './ort.js';

/** One provider tried while opening the session, and why it was passed over. */
export interface ProviderAttempt {
  readonly provider: string;
  readonly ok: boolean;
  readonly error?: string;
}

export interface OpenedSession {
  readonly session: InferenceSession;
  /** The execution provider the session runs on. */
  readonly provider: string;
  /** Every provider tried, in order: the failed ones with their error, then the one used. */
  readonly attempts: readonly ProviderAttempt[];
}

export const providerName = (p: ExecutionProvider): string => (typeof p === 'string' ? p : p.name);

// Messages ONNX Runtime gives when the bytes are not a loadable model (any provider would fail).
const NOT_A_MODEL = /protobuf|parsing|failed to load model|invalid model|ModelProto|model_path|Load model from .* failed|ir_version|opset/i;

/**
 * Opens the model on the first provider that works. Each provider is tried on its own: ONNX
 * Runtime does not fall back inside a list like `['cuda', 'cpu']` when CUDA cannot load.
 */
export async function openSession(
  ort: OrtRuntime,
  model: Uint8Array,
  providers: readonly ExecutionProvider[],
  options: SessionOptions,
  argument: string,
): Promise<OpenedSession> {
  const attempts: ProviderAttempt[] = [];
  const errors: unknown[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(model, { ...options, executionProviders: [provider] });
      attempts.push({ provider: providerName(provider), ok: true });
      return { session, provider: providerName(provider), attempts };
    } catch (error) {
      errors.push(error);
      attempts.push({ provider: providerName(provider), ok: false, error: (error as Error)?.message ?? String(error) });
    }
  }
  const reasons = attempts.map((a) => `${a.provider}: ${a.error}`).join('; ');
  // ONNX Runtime names a bad session option in its message ('intraOpNumThreads' is invalid: -5):
  // when every provider failed on the same option, the option is at fault, not the providers.
  const culprit = Object.keys(options).find(
    (key) => key !== 'executionProviders' && attempts.length > 0 && attempts.every((a) => (a.error ?? '').includes(key)),
  );
  if (culprit !== undefined) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `options.sessionOptions.${culprit}: ONNX Runtime refused it (${attempts[0]!.error})`, {
      argument: `options.sessionOptions.${culprit}`,
      cause: errors[0],
    });
  }
  if (attempts.length > 0 && attempts.every((a) => NOT_A_MODEL.test(a.error ?? ''))) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `${argument}: not a valid ONNX model (${attempts[0]!.error})`, { argument, cause: errors[0] });
  }
  throw new MatryoshkaError(ErrorCode.BackendUnavailable, `options.executionProviders: no execution provider could open the model (${reasons})`, {
    argument: 'options.executionProviders',
    cause: errors[errors.length - 1],
  });
}
