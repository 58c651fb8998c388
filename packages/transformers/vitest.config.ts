import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // The webgpu pooling test runs Dawn on SwiftShader (Vulkan on the CPU) where no GPU driver is
    // installed; MATRYOSHKA_WEBGPU_REAL=1 leaves the system's Vulkan drivers alone.
    env: process.env.MATRYOSHKA_WEBGPU_REAL === '1' ? {} : { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json' },
  },
});
