import { defineConfig, type Options } from 'tsup';
import base from '../../tsup.config.base.js';

// Three entries: the library, `/train` (the only one that loads TensorFlow.js, an optional peer,
// through require on first use), and the CLI. `shims` gives the CJS build an `import.meta.url`
// (what /train resolves TensorFlow.js from).
export default defineConfig({ ...(base as Options), entry: ['src/index.ts', 'src/train.ts', 'src/cli.ts'], shims: true });
