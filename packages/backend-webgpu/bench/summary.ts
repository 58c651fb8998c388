import { adapterLine } from './adapter.js';
import { LEGEND, summaryTable } from './report.js';
import { RESULTS_PATH, readResults } from './results.js';

/** Entry point: `tsx bench/summary.ts [path]`: the last results (bench-results/webgpu.json) as one table. */
function main(): void {
  const path = process.argv[2] ?? RESULTS_PATH;
  const r = readResults(path);
  console.log(`M3 pyramid on WebGPU, ${r.timestamp}${r.quick ? ' (--quick)' : ''}`);
  console.log(`adapter: ${adapterLine(r.adapter)}`);
  console.log(`machine: ${r.machine.cpuModel} (${r.machine.cpuCount} CPUs), ${r.machine.os}, Node ${r.machine.node}`);
  console.log(
    `versions: ${Object.entries(r.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}\n`,
  );
  console.log(summaryTable(r.shapes));
  console.log(`\n${LEGEND}`);
}

main();
