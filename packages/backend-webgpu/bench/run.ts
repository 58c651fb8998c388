import { machineInfo } from '../../pooling/bench/machine.js';
import { createWebGpuBackend } from '../src/index.js';
import { adapterLine } from './adapter.js';
import { parseArgs } from './args.js';
import { benchShape, type ShapeResult } from './bench-shape.js';
import { BASELINES, CONTENDERS } from './contenders.js';
import { openGpu } from './gpu.js';
import { LEGEND, shapeTable, summaryTable } from './report.js';
import { resultsFile, writeResults } from './results.js';
import { LARGE_SHAPES, SHAPES } from './shapes.js';
import { versions } from './versions.js';

/** Entry point: `npm run bench [-- --quick] [--large] [--only=NAME,…] [--shapes=a,b,c,d]`. */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const keep = new Set(Object.values(BASELINES));
  const contenders = CONTENDERS.filter(
    (c) => keep.has(c.name) || c.kind === 'copy' || args.only.length === 0 || args.only.some((o) => c.name.toLowerCase().includes(o)),
  );
  const candidates = args.large || args.shapes.length > 0 ? [...SHAPES, ...LARGE_SHAPES] : SHAPES;
  const shapes = candidates.filter((s) => args.shapes.length === 0 || args.shapes.includes(s.id));
  if (shapes.length === 0) throw new Error(`no shape matches --shapes=${args.shapes.join(',')}`);

  // One Dawn instance, one adapter, one device for ours, tfjs and the copy (navigator.gpu set first).
  const gpu = await openGpu();
  const backend = await createWebGpuBackend({ device: gpu.device });
  const machine = machineInfo();
  console.log(`M3 pyramid bench on WebGPU${args.quick ? ' (--quick)' : ''}: ${adapterLine(gpu.summary)}`);
  console.log(`${machine.cpuModel} (${machine.cpuCount} CPUs), ${machine.os}, Node ${machine.node}`);
  if (gpu.summary.software) console.log('This adapter emulates a GPU on the CPU: the numbers say nothing about GPU speed.');

  const info = [];
  for (const c of contenders) {
    let details: Record<string, string | number | boolean> = {};
    try {
      details = (await c.info?.()) ?? {};
    } catch (error) {
      details = { error: error instanceof Error ? error.message : String(error) };
    }
    info.push({ name: c.name, description: c.description, info: details });
  }

  const results: ShapeResult[] = [];
  try {
    for (const [i, shape] of shapes.entries()) {
      results.push(await benchShape(shape, contenders, { device: gpu.device, adapter: gpu.adapter, backend }, args.measure, args.budgetMs, 0x5eed + i));
    }
  } finally {
    backend.dispose();
  }
  for (const r of results) console.log(`\n${shapeTable(r)}`);
  console.log(`\nAll shapes:\n${summaryTable(results)}`);
  console.log(`\n${LEGEND}\n\nContenders:`);
  for (const c of info) console.log(`- ${c.name}: ${c.description}`);
  const path = writeResults(
    resultsFile({ quick: args.quick, machine, adapter: gpu.summary, versions: versions(), measure: args.measure, contenders: info, shapes: results }),
  );
  console.log(`\nWrote ${path}`);
  gpu.device.destroy();
}

main().then(
  // Dawn and onnxruntime keep native handles alive; leave once the work is done.
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
