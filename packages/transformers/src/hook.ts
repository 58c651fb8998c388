import type { TensorLike, VlmModelLike } from './internals.js';

/** Pooled features waiting for their prefill, found by the identity of their `pixel_values`. */
interface PreparedFeatures {
  readonly features: TensorLike;
  used: number;
}

const prepared = new WeakMap<object, PreparedFeatures>();

// One hook per model instance, shared by every adapter on it; a brand shared by every copy of
// this package so two copies never wrap a model twice.
const HOOK = Symbol.for('@matryoshka/transformers/encode-image-hook');

interface HookState {
  readonly original: VlmModelLike['encode_image'];
  readonly hadOwn: boolean;
  readonly hook: VlmModelLike['encode_image'];
  users: number;
}

type HookedModel = VlmModelLike & { [HOOK]?: HookState };

/**
 * Replaces `model.encode_image` with a hook that answers prepared `pixel_values` with their pooled
 * features and anything else with the original encoder (stock behaviour). Returns the original,
 * which `prepare` calls to encode.
 */
export function installHook(model: VlmModelLike): VlmModelLike['encode_image'] {
  const m = model as HookedModel;
  let state = m[HOOK];
  if (state === undefined) {
    const hadOwn = Object.hasOwn(m, 'encode_image');
    const original = m.encode_image;
    const hook: VlmModelLike['encode_image'] = async function (this: unknown, inputs) {
      const pixels = inputs?.pixel_values;
      const entry = typeof pixels === 'object' && pixels !== null ? prepared.get(pixels) : undefined;
      if (entry === undefined) return original.call(model, inputs);
      entry.used++;
      return entry.features;
    };
    state = { original, hadOwn, hook, users: 0 };
    Object.defineProperty(m, HOOK, { value: state, configurable: true });
    m.encode_image = hook;
  }
  state.users++;
  return state.original;
}

/** Undoes one `installHook`; the last one restores the model's own `encode_image`. */
export function releaseHook(model: VlmModelLike): void {
  const m = model as HookedModel;
  const state = m[HOOK];
  if (state === undefined || --state.users > 0) return;
  if (m.encode_image === state.hook) {
    if (state.hadOwn) m.encode_image = state.original;
    else delete (m as Partial<VlmModelLike>).encode_image;
  }
  delete m[HOOK];
}

export function rememberFeatures(pixelValues: object, features: TensorLike): void {
  prepared.set(pixelValues, { features, used: 0 });
}

/** How many prefills consumed these `pixel_values`' pooled features (0: the hook was bypassed). */
export function timesUsed(pixelValues: object): number {
  return prepared.get(pixelValues)?.used ?? 0;
}
