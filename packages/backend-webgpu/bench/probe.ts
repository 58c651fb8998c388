import { create } from 'webgpu';
import { adapterLine, summarizeAdapter } from './adapter.js';

/**
 * Entry point: `tsx bench/probe.ts`: prints the adapter Dawn picks (high-performance), as the
 * backend and the bench would. Exit 0: a hardware adapter; 3: software only (SwiftShader,
 * llvmpipe, a fallback adapter); 2: no adapter at all.
 */
async function main(): Promise<void> {
  const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    console.log('adapter: none (Dawn found no Vulkan device it accepts)');
    process.exitCode = 2;
    return;
  }
  const summary = summarizeAdapter(adapter);
  console.log(`adapter: ${adapterLine(summary)}`);
  process.exitCode = summary.software ? 3 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
