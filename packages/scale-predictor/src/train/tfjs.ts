import { createRequire } from 'node:module';
import type * as Tf from '@tensorflow/tfjs-core';
import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

// TensorFlow.js is an optional peer of this package (84 MB installed): only
// `@matryoshka/scale-predictor/train` and the CLI's `train` command use it, so it is loaded on
// first use instead of at import. Loaded with require, it is the same copy that `import` gives in
// Node (tfjs ships one CommonJS build for Node), so tensors made by the caller's tfjs pass
// `instanceof tf.Tensor` here.

/** What `/train` needs: tfjs-core, its cpu backend, and tfjs-layers (which registers the gradients in Node). */
export const TFJS_PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-layers'] as const;
/** The command that installs them, as the error says. */
export const TFJS_INSTALL = `npm install ${TFJS_PACKAGES.map((p) => `${p}@^4.22.0`).join(' ')}`;

let loaded: typeof Tf | undefined;

/** tfjs-core with the cpu backend and gradients registered; MISSING_DEPENDENCY naming the install command otherwise. */
export function tfjs(): typeof Tf {
  loaded ??= loadTfjs(createRequire(import.meta.url));
  return loaded;
}

/** Loads TensorFlow.js through `load` (a require resolving from where it should be installed). */
export function loadTfjs(load: NodeJS.Require): typeof Tf {
  const missing = TFJS_PACKAGES.filter((name) => {
    try {
      load.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new MatryoshkaError(
      ErrorCode.MissingDependency,
      `training needs TensorFlow.js, an optional peer of @matryoshka/scale-predictor: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed; run: ${TFJS_INSTALL}`,
    );
  }
  const core = load('@tensorflow/tfjs-core') as typeof Tf;
  load('@tensorflow/tfjs-backend-cpu');
  load('@tensorflow/tfjs-layers');
  return core;
}
