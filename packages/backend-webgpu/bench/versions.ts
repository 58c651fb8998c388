import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Installed versions of the packages the bench runs, read from their package.json (nothing imported). */
export function versions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['webgpu', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu', 'onnxruntime-node']) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      out[name] = 'not installed';
    }
  }
  return out;
}
