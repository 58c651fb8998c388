import { defineConfig, type Options } from 'tsup';
import base from '../../tsup.config.base.js';

// Three entries: the library, `/train` (the only one that loads TensorFlow.js), and the CLI.
export default defineConfig({ ...(base as Options), entry: ['src/index.ts', 'src/train.ts', 'src/cli.ts'] });
