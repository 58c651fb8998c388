import koffi from 'koffi';
import { inject } from 'vitest';

/** The test controls the fake libcuda exports (test/host/fake-libcuda.cpp), bound with koffi. */
export interface FakeLibcuda {
  readonly path: string;
  reset(devices?: number, driverVersion?: number): void;
  /** The `after`-th next call of `call` returns `code`. */
  fail(call: string, code: number, after?: number): void;
  liveAllocations(): number;
  liveBytes(): number;
  allocations(): number;
  launches(): number;
  contextRefs(): number;
  modules(): number;
  streams(): number;
  lastError(): string;
}

/** The fake library built by the global setup, or the reason it is missing. */
export function fakeLibcuda(): FakeLibcuda | string {
  const path = inject('fakeLibcuda');
  if (path === '') return inject('fakeLibcudaSkip');
  const lib = koffi.load(path);
  const f = (decl: string) => lib.func(decl) as (...args: unknown[]) => unknown;
  const reset = f('void fakecuda_reset(int devices, int driverVersion)');
  const fail = f('void fakecuda_fail(const char *call, int code, int after)');
  const n = (name: string) => {
    const fn = f(`long long ${name}()`);
    return () => Number(fn());
  };
  const i = (name: string) => f(`int ${name}()`) as () => number;
  const lastError = f('const char *fakecuda_last_error()') as () => string;
  return {
    path,
    reset: (devices = 1, driverVersion = 13000) => void reset(devices, driverVersion),
    fail: (call, code, after = 0) => void fail(call, code, after),
    liveAllocations: n('fakecuda_live_allocations'),
    liveBytes: n('fakecuda_live_bytes'),
    allocations: n('fakecuda_allocations'),
    launches: n('fakecuda_launches'),
    contextRefs: i('fakecuda_context_refs'),
    modules: i('fakecuda_modules'),
    streams: i('fakecuda_streams'),
    lastError,
  };
}
