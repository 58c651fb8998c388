/**
 * How every browser test launches Debian's Chromium (never a downloaded browser): headless, with
 * WebGPU on SwiftShader unless MATRYOSHKA_WEBGPU_REAL=1 (scripts/gpu-check.sh on a GPU machine),
 * and without the background connections this machine's closed network refuses.
 */
export const chromiumPath = process.env.MATRYOSHKA_CHROMIUM ?? '/usr/bin/chromium';

const adapterArgs =
  process.env.MATRYOSHKA_WEBGPU_REAL === '1' ? ['--enable-features=Vulkan'] : ['--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'];

export const chromiumArgs = [
  '--enable-unsafe-webgpu',
  ...adapterArgs,
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
