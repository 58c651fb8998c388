import { defineConfig, type Options } from 'tsup';
import base from '../../tsup.config.base.js';

// Two entries: the adapter (runs in Node and browsers) and `/testing` (writes model folders; Node only).
export default defineConfig({ ...(base as Options), entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } });
