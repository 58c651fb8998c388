// WebGPU's numeric flags, fixed by the spec. Spelled out here so the package needs no GPU*
// globals (Node's `webgpu` package only provides them on request).
export const BufferUsage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const MAP_READ = 0x1;
export const SHADER_STAGE_COMPUTE = 0x4;
