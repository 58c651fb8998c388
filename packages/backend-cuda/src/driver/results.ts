/** CUresult values the backend treats specially (cuda.h). */
export const CuResult = {
  SUCCESS: 0,
  INVALID_VALUE: 1,
  OUT_OF_MEMORY: 2,
  NOT_INITIALIZED: 3,
  DEINITIALIZED: 4,
  INSUFFICIENT_DRIVER: 35,
  DEVICE_UNAVAILABLE: 46,
  NO_DEVICE: 100,
  INVALID_DEVICE: 101,
  ECC_UNCORRECTABLE: 214,
  INVALID_PTX: 218,
  JIT_COMPILER_NOT_FOUND: 221,
  UNSUPPORTED_PTX_VERSION: 222,
  NOT_FOUND: 500,
  NOT_READY: 600,
  ILLEGAL_ADDRESS: 700,
  LAUNCH_TIMEOUT: 702,
  HARDWARE_STACK_ERROR: 714,
  ILLEGAL_INSTRUCTION: 715,
  MISALIGNED_ADDRESS: 716,
  INVALID_ADDRESS_SPACE: 717,
  INVALID_PC: 718,
  LAUNCH_FAILED: 719,
  SYSTEM_DRIVER_MISMATCH: 803,
  COMPAT_NOT_SUPPORTED_ON_DEVICE: 804,
  UNKNOWN: 999,
} as const;

/**
 * Errors after which the context is unusable ("sticky" errors): every later call in this process
 * fails too, so the backend marks itself lost instead of retrying.
 */
export const STICKY_RESULTS: ReadonlySet<number> = new Set([
  CuResult.DEINITIALIZED,
  CuResult.ECC_UNCORRECTABLE,
  CuResult.ILLEGAL_ADDRESS,
  CuResult.LAUNCH_TIMEOUT,
  CuResult.HARDWARE_STACK_ERROR,
  CuResult.ILLEGAL_INSTRUCTION,
  CuResult.MISALIGNED_ADDRESS,
  CuResult.INVALID_ADDRESS_SPACE,
  CuResult.INVALID_PC,
  CuResult.LAUNCH_FAILED,
  CuResult.UNKNOWN,
]);

/** CUdevice_attribute values read at start-up. */
export const DeviceAttribute = {
  MAX_THREADS_PER_BLOCK: 1,
  MAX_SHARED_MEMORY_PER_BLOCK: 8,
  MULTIPROCESSOR_COUNT: 16,
  COMPUTE_CAPABILITY_MAJOR: 75,
  COMPUTE_CAPABILITY_MINOR: 76,
} as const;

/** CUjit_option values (cuModuleLoadDataEx). */
export const JitOption = {
  INFO_LOG_BUFFER: 3,
  INFO_LOG_BUFFER_SIZE_BYTES: 4,
  ERROR_LOG_BUFFER: 5,
  ERROR_LOG_BUFFER_SIZE_BYTES: 6,
  LOG_VERBOSE: 12,
} as const;
