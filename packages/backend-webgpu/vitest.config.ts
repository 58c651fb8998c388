import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // Dawn (the `webgpu` package) runs in child processes, not worker threads.
    pool: 'forks',
    env: {
      // Vulkan on the CPU where no GPU driver is installed (Debian's chromium ships SwiftShader).
      VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json',
    },
  },
});
