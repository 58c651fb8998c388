import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

// The browser build's stand-in for ./dawn.ts (tsup.config.ts swaps it in for the `browser`
// export condition): Dawn for Node is never imported, so bundlers never see the `webgpu` package.

/** Always BACKEND_UNAVAILABLE: in a browser only `navigator.gpu` can give a device. */
export function loadDawn(): Promise<GPU> {
  const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
  const why =
    secure === false
      ? 'this page is not a secure context (WebGPU needs https:// or http://localhost)'
      : 'this browser has no WebGPU, or it is turned off (Chrome/Edge 113+, Safari 26+, Firefox 141+ on Windows; Linux Chrome needs --enable-unsafe-webgpu)';
  return Promise.reject(new MatryoshkaError(ErrorCode.BackendUnavailable, `webgpu: no navigator.gpu: ${why}; pass { device } to use a GPUDevice you have`));
}
