/** What the report says about an adapter, and whether it is a CPU pretending to be a GPU. */
export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  /** SwiftShader, llvmpipe/lavapipe or any fallback adapter: fine for correctness, meaningless for speed. */
  readonly software: boolean;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|software|\bcpu\b/i;

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const isFallbackAdapter = info.isFallbackAdapter === true || legacy === true;
  const fields = { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description };
  const software = isFallbackAdapter || Object.values(fields).some((s) => SOFTWARE.test(s));
  return { ...fields, isFallbackAdapter, software };
}

export function adapterLine(a: AdapterSummary): string {
  const name = [a.vendor, a.architecture, a.device, a.description].filter((s) => s !== '').join(' / ');
  return `${name === '' ? 'unknown adapter' : name}${a.software ? ' [software: CPU emulation]' : ''}`;
}
