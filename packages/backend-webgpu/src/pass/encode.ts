import type { GpuResources } from '../device/resources.js';
import { BufferUsage } from '../device/constants.js';
import { PARAM_WORDS, type PoolOp } from '../kernels/pool-wgsl.js';
import { elementBytes, planChunks, type PassGeometry } from './chunks.js';
import { WindowTable } from '@matryoshka/core/backend';

export interface PassSpec {
  readonly geometry: PassGeometry;
  readonly reduce: PoolOp;
  readonly src: GPUBuffer;
  /** Byte offset of the source grid's first element in `src`. */
  readonly srcByteOffset: number;
  readonly dst: GPUBuffer;
  /** Where the pass's output starts in `dst` (a group of frames of a split input). Default 0. */
  readonly dstByteOffset?: number;
}

/** Uniform blocks sit at this stride (the spec's largest `minUniformBufferOffsetAlignment`). */
const PARAM_STRIDE = 256;

/**
 * Records every pass into one compute pass of `encoder`: one window table and one uniform buffer
 * for all of them, one dispatch per chunk. Returns the scratch buffers, which the caller
 * destroys once the commands are submitted.
 */
export function encodePasses(res: GpuResources, encoder: GPUCommandEncoder, passes: readonly PassSpec[], flag: GPUBuffer): GPUBuffer[] {
  if (passes.length === 0) return [];
  const table = new WindowTable();
  const planned = passes.map((pass) => {
    const w = pass.geometry.windows;
    return {
      pass,
      tables: [table.add(w.frames), table.add(w.rows), table.add(w.cols)] as const,
      // An output offset may move a binding's start back by up to 255 bytes (offset alignment).
      chunks: planChunks(pass.geometry, res.maxBindingBytes - ((pass.dstByteOffset ?? 0) > 0 ? 256 : 0), pass.srcByteOffset),
    };
  });
  const chunkCount = planned.reduce((n, p) => n + p.chunks.length, 0);
  const params = new Uint32Array((chunkCount * PARAM_STRIDE) / 4);
  const tableBuffer = res.upload('window table', table.toArray(), BufferUsage.STORAGE);
  let paramBuffer: GPUBuffer | undefined;
  try {
    paramBuffer = res.createBuffer('params', params.byteLength, BufferUsage.UNIFORM | BufferUsage.COPY_DST);
    recordPasses(res, encoder, planned, params, tableBuffer, paramBuffer, flag);
  } catch (error) {
    // The scratch buffers of a call that failed while recording are freed here, not leaked.
    res.destroy(tableBuffer);
    if (paramBuffer !== undefined) res.destroy(paramBuffer);
    throw error;
  }
  return [tableBuffer, paramBuffer];
}

function recordPasses(
  res: GpuResources,
  encoder: GPUCommandEncoder,
  planned: readonly { pass: PassSpec; tables: readonly [number, number, number]; chunks: ReturnType<typeof planChunks> }[],
  params: Uint32Array<ArrayBuffer>,
  tableBuffer: GPUBuffer,
  paramBuffer: GPUBuffer,
  flag: GPUBuffer,
): void {
  const compute = encoder.beginComputePass({ label: 'matryoshka pool' });
  let slot = 0;
  for (const { pass, tables, chunks } of planned) {
    const g = pass.geometry;
    const ins = elementBytes(g.src);
    const outs = elementBytes(g.dst);
    // Four channels per invocation where every address stays a multiple of 4 floats.
    const lanes = g.src === 'float32' && g.dst === 'float32' && g.channels % 4 === 0 && pass.srcByteOffset % 16 === 0 ? 4 : 1;
    compute.setPipeline(res.pipeline({ src: g.src, dst: g.dst, op: pass.reduce, lanes }));
    for (const c of chunks) {
      const inByte = pass.srcByteOffset + c.inStart * ins;
      const inBind = Math.floor(inByte / 256) * 256;
      const inSize = Math.min(Math.ceil((pass.srcByteOffset + c.inEnd * ins) / 4) * 4, pass.src.size) - inBind;
      const outStart = (pass.dstByteOffset ?? 0) / outs + c.outStart;
      const outBind = Math.floor((outStart * outs) / 256) * 256;
      const outSize = Math.min(Math.ceil(((outStart + c.count) * outs) / 4) * 4, pass.dst.size) - outBind;
      const base = (slot * PARAM_STRIDE) / 4;
      params.set(
        [
          g.input.frames,
          g.input.rows,
          g.input.cols,
          g.channels,
          c.outFrames,
          c.outRows,
          g.windows.cols.length,
          c.count,
          (inByte - inBind) / ins,
          (outStart * outs - outBind) / outs,
          tables[0],
          tables[1],
          tables[2],
          c.frame0,
          c.row0,
          c.inStart,
        ],
        base,
      );
      compute.setBindGroup(
        0,
        res.device.createBindGroup({
          layout: res.layout,
          entries: [
            { binding: 0, resource: { buffer: paramBuffer, offset: slot * PARAM_STRIDE, size: PARAM_WORDS * 4 } },
            { binding: 1, resource: { buffer: pass.src, offset: inBind, size: inSize } },
            { binding: 2, resource: { buffer: pass.dst, offset: outBind, size: outSize } },
            { binding: 3, resource: { buffer: tableBuffer } },
            { binding: 4, resource: { buffer: flag } },
          ],
        }),
      );
      const invocations = g.dst === 'float32' ? c.count / lanes : Math.ceil(c.count / 2);
      const groups = Math.ceil(invocations / res.workgroupSize);
      const maxX = res.device.limits.maxComputeWorkgroupsPerDimension;
      const x = Math.min(groups, maxX);
      compute.dispatchWorkgroups(x, Math.ceil(groups / x));
      slot += 1;
    }
  }
  compute.end();
  res.device.queue.writeBuffer(paramBuffer, 0, params);
}
