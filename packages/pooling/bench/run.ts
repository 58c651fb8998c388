import { parseArgs } from './args.js';
import { benchShape, type ShapeResult } from './bench-shape.js';
import { BASELINE, CONTENDERS } from './contenders.js';
import { machineInfo } from './machine.js';
import { LEGEND, machineLine, shapeTable } from './report.js';
import { resultsFile, writeResults } from './results.js';
import { SHAPES } from './shapes.js';

/** Entry point: `npm run bench [-- --quick] [--only=NAME,…] [--shapes=a,b,c]`. */
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const contenders = CONTENDERS.filter((c) => c.name === BASELINE || args.only.length === 0 || args.only.some((o) => c.name.toLowerCase().includes(o)));
  const shapes = SHAPES.filter((s) => args.shapes.length === 0 || args.shapes.includes(s.id));
  if (shapes.length === 0) throw new Error(`no shape matches --shapes=${args.shapes.join(',')}`);
  const machine = machineInfo();
  console.log(`M3 pyramid bench${args.quick ? ' (--quick)' : ''}: ${machineLine(machine)}`);

  const info = [];
  for (const c of contenders) info.push({ name: c.name, description: c.description, info: (await c.info?.()) ?? {} });

  const results: ShapeResult[] = [];
  for (const [i, shape] of shapes.entries()) {
    results.push(await benchShape(shape, contenders, args.measure, 0x5eed + i));
  }
  for (const r of results) console.log(`\n${shapeTable(r)}`);
  console.log(`\n${LEGEND}\n\nContenders:`);
  for (const c of info) console.log(`- ${c.name}: ${c.description}`);
  const path = writeResults(resultsFile({ quick: args.quick, machine, measure: args.measure, contenders: info, shapes: results }));
  console.log(`\nWrote ${path}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
