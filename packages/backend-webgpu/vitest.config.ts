import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // Dawn (the `webgpu` package) runs in child processes, not worker threads.
    pool: 'forks',
    // Vulkan on the CPU where no GPU driver is installed (Debian's chromium ships SwiftShader);
    // MATRYOSHKA_WEBGPU_REAL=1 leaves the system's Vulkan drivers alone (scripts/gpu-check.sh).
    env: process.env.MATRYOSHKA_WEBGPU_REAL === '1' ? {} : { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json' },
  },
});
