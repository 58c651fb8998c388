// A stand-in for the NVIDIA driver's libcuda.so.1, built by the tests with g++: the subset of the
// driver API the backend calls, over host memory, with kernels/pool.cu compiled in and run by the
// grid emulation. The backend loads it through koffi exactly as it loads the real driver, so the
// FFI signatures, the argument packing, the launch geometry and the kernels' index arithmetic
// are all exercised without a GPU. fakecuda_* functions let tests inject failures and count memory.
#include "emulate.hpp"
#include "../../kernels/pool.cu"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

typedef int CUresult;
enum {
  OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, NO_DEVICE = 100, INVALID_DEVICE = 101,
  INVALID_IMAGE = 200, INVALID_PTX = 218, UNSUPPORTED_PTX_VERSION = 222, INVALID_HANDLE = 400, NOT_FOUND = 500,
  NOT_READY = 600, LAUNCH_OUT_OF_RESOURCES = 701, LAUNCH_FAILED = 719,
};

namespace {
struct Kernel {
  const char* name;
  bool barriers;
  void (*run)(const void* args);
};

#define FAKE_PAIR(SN, DN)                                                                                                    \
  {"matryoshka_pyramid_" #SN "_" #DN, true,                                                                                  \
   [](const void* a) { matryoshka_pyramid_##SN##_##DN(*static_cast<const MtPyramidArgs*>(a)); }},                            \
  {"matryoshka_window_" #SN "_" #DN, false, [](const void* a) { matryoshka_window_##SN##_##DN(*static_cast<const MtWindowArgs*>(a)); }},
#define FAKE_SRC(SN) FAKE_PAIR(SN, f32) FAKE_PAIR(SN, f16) FAKE_PAIR(SN, bf16)
const Kernel kKernels[] = {FAKE_SRC(f32) FAKE_SRC(f16) FAKE_SRC(bf16)};

struct State {
  bool initialized = false;
  int devices = 1;
  int driverVersion = 13000;
  int contextRefs = 0;
  std::set<unsigned long long> live;
  size_t liveBytes = 0;
  std::map<unsigned long long, size_t> sizes;
  unsigned long long allocations = 0;
  unsigned long long launches = 0;
  int modules = 0;
  int streams = 0;
  // One injected failure: the `after`-th next call of `call` returns `code`.
  std::string failCall;
  int failCode = 0;
  int failAfter = 0;
  std::string lastError;
};
State st;
char gContext, gModule;  // addresses used as opaque handles
int gStream;

bool fails(const char* call, CUresult* code) {
  if (st.failCall != call) return false;
  if (st.failAfter-- > 0) return false;
  *code = st.failCode;
  st.failCall.clear();
  return true;
}
#define INJECT(call)                  \
  do {                                \
    CUresult injected;                \
    if (fails(call, &injected)) return injected; \
  } while (0)
#define NEED_INIT() \
  if (!st.initialized) return NOT_INITIALIZED

const char* errorName(CUresult r) {
  switch (r) {
    case OK: return "CUDA_SUCCESS";
    case INVALID_VALUE: return "CUDA_ERROR_INVALID_VALUE";
    case OUT_OF_MEMORY: return "CUDA_ERROR_OUT_OF_MEMORY";
    case NOT_INITIALIZED: return "CUDA_ERROR_NOT_INITIALIZED";
    case NO_DEVICE: return "CUDA_ERROR_NO_DEVICE";
    case INVALID_DEVICE: return "CUDA_ERROR_INVALID_DEVICE";
    case INVALID_IMAGE: return "CUDA_ERROR_INVALID_IMAGE";
    case INVALID_PTX: return "CUDA_ERROR_INVALID_PTX";
    case UNSUPPORTED_PTX_VERSION: return "CUDA_ERROR_UNSUPPORTED_PTX_VERSION";
    case INVALID_HANDLE: return "CUDA_ERROR_INVALID_HANDLE";
    case NOT_FOUND: return "CUDA_ERROR_NOT_FOUND";
    case NOT_READY: return "CUDA_ERROR_NOT_READY";
    case LAUNCH_OUT_OF_RESOURCES: return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
    case LAUNCH_FAILED: return "CUDA_ERROR_LAUNCH_FAILED";
    default: return nullptr;
  }
}
const char* errorString(CUresult r) {
  switch (r) {
    case OK: return "no error";
    case OUT_OF_MEMORY: return "out of memory";
    case NO_DEVICE: return "no CUDA-capable device is detected";
    case INVALID_PTX: return "a PTX JIT compilation failed";
    case UNSUPPORTED_PTX_VERSION: return "the provided PTX was compiled with an unsupported toolchain.";
    case LAUNCH_FAILED: return "unspecified launch failure";
    case LAUNCH_OUT_OF_RESOURCES: return "too many resources requested for launch";
    default: return errorName(r);
  }
}
}  // namespace

extern "C" {

// ---- test controls ----
void fakecuda_reset(int devices, int driverVersion) {
  st.initialized = false;
  st.devices = devices;
  st.driverVersion = driverVersion;
  st.failCall.clear();
}
void fakecuda_fail(const char* call, int code, int after) {
  st.failCall = call;
  st.failCode = code;
  st.failAfter = after;
}
long long fakecuda_live_allocations() { return (long long)st.live.size(); }
long long fakecuda_live_bytes() { return (long long)st.liveBytes; }
long long fakecuda_allocations() { return (long long)st.allocations; }
long long fakecuda_launches() { return (long long)st.launches; }
int fakecuda_context_refs() { return st.contextRefs; }
int fakecuda_modules() { return st.modules; }
int fakecuda_streams() { return st.streams; }
const char* fakecuda_last_error() { return st.lastError.c_str(); }

// ---- the driver API subset ----
CUresult cuInit(unsigned flags) {
  if (flags != 0) return INVALID_VALUE;
  INJECT("cuInit");
  if (st.devices == 0) return NO_DEVICE;
  st.initialized = true;
  return OK;
}
CUresult cuDriverGetVersion(int* v) {
  *v = st.driverVersion;
  return OK;
}
CUresult cuDeviceGetCount(int* n) {
  NEED_INIT();
  *n = st.devices;
  return OK;
}
CUresult cuDeviceGet(int* dev, int ordinal) {
  NEED_INIT();
  if (ordinal < 0 || ordinal >= st.devices) return INVALID_DEVICE;
  *dev = ordinal;
  return OK;
}
CUresult cuDeviceGetName(char* name, int len, int dev) {
  NEED_INIT();
  std::snprintf(name, (size_t)len, "Fake CUDA device %d (host emulation)", dev);
  return OK;
}
CUresult cuDeviceGetAttribute(int* v, int attribute, int dev) {
  NEED_INIT();
  (void)dev;
  switch (attribute) {
    case 75: *v = 7; break;         // compute capability major
    case 76: *v = 5; break;         // minor
    case 16: *v = 4; break;         // multiprocessors
    case 8: *v = 48 * 1024; break;  // max shared memory per block
    case 1: *v = 1024; break;       // max threads per block
    default: *v = 0;
  }
  return OK;
}
CUresult cuDeviceTotalMem_v2(size_t* bytes, int dev) {
  NEED_INIT();
  (void)dev;
  *bytes = (size_t)16 << 30;
  return OK;
}
CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
  NEED_INIT();
  *total = (size_t)16 << 30;
  *free = *total - st.liveBytes;
  return OK;
}
CUresult cuDevicePrimaryCtxRetain(void** ctx, int dev) {
  NEED_INIT();
  INJECT("cuDevicePrimaryCtxRetain");
  if (dev < 0 || dev >= st.devices) return INVALID_DEVICE;
  st.contextRefs++;
  *ctx = &gContext;
  return OK;
}
CUresult cuDevicePrimaryCtxRelease_v2(int dev) {
  (void)dev;
  if (st.contextRefs == 0) return INVALID_VALUE;
  st.contextRefs--;
  return OK;
}
CUresult cuCtxPushCurrent_v2(void* ctx) { return ctx == &gContext ? OK : INVALID_HANDLE; }
CUresult cuCtxPopCurrent_v2(void** ctx) {
  if (ctx) *ctx = &gContext;
  return OK;
}

CUresult cuModuleLoadDataEx(void** module, const void* image, unsigned n, int* options, void** values) {
  NEED_INIT();
  const char* ptx = static_cast<const char*>(image);
  // The JIT logs go where the options say, as the real driver writes them.
  char* errorLog = nullptr;
  size_t errorSize = 0;
  char* infoLog = nullptr;
  size_t infoSize = 0;
  for (unsigned i = 0; i < n; i++) {
    if (options[i] == 5) errorLog = static_cast<char*>(values[i]);
    if (options[i] == 6) errorSize = (size_t)(uintptr_t)values[i];
    if (options[i] == 3) infoLog = static_cast<char*>(values[i]);
    if (options[i] == 4) infoSize = (size_t)(uintptr_t)values[i];
  }
  CUresult injected;
  if (fails("cuModuleLoadDataEx", &injected)) {
    if (errorLog && errorSize) std::snprintf(errorLog, errorSize, "ptxas application ptx input, line 9; fatal   : Unsupported .version 6.3; current version is '6.2'");
    return injected;
  }
  if (std::strstr(ptx, ".version") == nullptr || std::strstr(ptx, ".entry matryoshka_pyramid_f32_f32") == nullptr) {
    if (errorLog && errorSize) std::snprintf(errorLog, errorSize, "ptxas fatal   : not the Matryoshka PTX");
    return INVALID_PTX;
  }
  if (infoLog && infoSize) std::snprintf(infoLog, infoSize, "fake JIT: %zu bytes of PTX accepted", std::strlen(ptx));
  st.modules++;
  *module = &gModule;
  return OK;
}
CUresult cuModuleUnload(void* module) {
  if (module != &gModule || st.modules == 0) return INVALID_HANDLE;
  st.modules--;
  return OK;
}
CUresult cuModuleGetFunction(void** fn, void* module, const char* name) {
  if (module != &gModule) return INVALID_HANDLE;
  for (const Kernel& k : kKernels) {
    if (std::strcmp(k.name, name) == 0) {
      *fn = const_cast<Kernel*>(&k);
      return OK;
    }
  }
  return NOT_FOUND;
}

CUresult cuStreamCreate(void** stream, unsigned flags) {
  NEED_INIT();
  (void)flags;
  st.streams++;
  *stream = &gStream;
  return OK;
}
CUresult cuStreamDestroy_v2(void* stream) {
  if (stream != &gStream || st.streams == 0) return INVALID_HANDLE;
  st.streams--;
  return OK;
}
CUresult cuStreamSynchronize(void* stream) {
  (void)stream;
  INJECT("cuStreamSynchronize");
  return OK;
}
CUresult cuStreamQuery(void* stream) {
  (void)stream;
  INJECT("cuStreamQuery");
  return OK;
}

CUresult cuMemAlloc_v2(unsigned long long* ptr, size_t bytes) {
  NEED_INIT();
  INJECT("cuMemAlloc_v2");
  if (bytes == 0) return INVALID_VALUE;
  void* p = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!p) return OUT_OF_MEMORY;
  // Garbage, as on a device: results must never depend on fresh memory being zero.
  std::memset(p, 0x7f, bytes);
  *ptr = (unsigned long long)(uintptr_t)p;
  st.live.insert(*ptr);
  st.sizes[*ptr] = bytes;
  st.liveBytes += bytes;
  st.allocations++;
  return OK;
}
CUresult cuMemFree_v2(unsigned long long ptr) {
  if (st.live.erase(ptr) == 0) return INVALID_VALUE;
  st.liveBytes -= st.sizes[ptr];
  st.sizes.erase(ptr);
  std::free((void*)(uintptr_t)ptr);
  return OK;
}
CUresult cuMemGetAddressRange_v2(unsigned long long* base, size_t* bytes, unsigned long long ptr) {
  NEED_INIT();
  auto it = st.sizes.upper_bound(ptr);
  if (it == st.sizes.begin()) return NOT_FOUND;
  --it;
  if (ptr >= it->first + it->second) return NOT_FOUND;
  if (base) *base = it->first;
  if (bytes) *bytes = it->second;
  return OK;
}
CUresult cuMemcpyHtoDAsync_v2(unsigned long long dst, const void* src, size_t bytes, void* stream) {
  (void)stream;
  INJECT("cuMemcpyHtoDAsync_v2");
  std::memcpy((void*)(uintptr_t)dst, src, bytes);
  return OK;
}
CUresult cuMemcpyDtoHAsync_v2(void* dst, unsigned long long src, size_t bytes, void* stream) {
  (void)stream;
  INJECT("cuMemcpyDtoHAsync_v2");
  std::memcpy(dst, (const void*)(uintptr_t)src, bytes);
  return OK;
}
CUresult cuMemcpyDtoDAsync_v2(unsigned long long dst, unsigned long long src, size_t bytes, void* stream) {
  (void)stream;
  std::memmove((void*)(uintptr_t)dst, (const void*)(uintptr_t)src, bytes);
  return OK;
}
CUresult cuMemsetD32Async(unsigned long long dst, unsigned value, size_t count, void* stream) {
  (void)stream;
  unsigned* p = (unsigned*)(uintptr_t)dst;
  for (size_t i = 0; i < count; i++) p[i] = value;
  return OK;
}

CUresult cuLaunchKernel(void* fn, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned shared,
                        void* stream, void** params, void** extra) {
  (void)stream;
  INJECT("cuLaunchKernel");
  const Kernel* k = static_cast<const Kernel*>(fn);
  if (k == nullptr || params == nullptr || params[0] == nullptr || extra != nullptr) return INVALID_VALUE;
  if (gx == 0 || gy == 0 || gz == 0 || gy > 65535 || gz > 65535) return INVALID_VALUE;
  if (bx * by * bz == 0 || bx * by * bz > 1024 || shared > 48 * 1024) return LAUNCH_OUT_OF_RESOURCES;
  st.launches++;
  try {
    const void* args = params[0];
    emu::launch({gx, gy, gz}, {bx, by, bz}, shared, k->barriers, [&] { k->run(args); });
  } catch (const std::exception& e) {
    st.lastError = e.what();
    std::fprintf(stderr, "fake libcuda: %s: %s\n", k->name, e.what());
    return LAUNCH_FAILED;
  }
  return OK;
}

CUresult cuGetErrorName(CUresult r, const char** name) {
  *name = errorName(r);
  return *name ? OK : INVALID_VALUE;
}
CUresult cuGetErrorString(CUresult r, const char** text) {
  *text = errorString(r);
  return *text ? OK : INVALID_VALUE;
}

// Events: host time between records (the emulation runs synchronously).
CUresult cuEventCreate(void** event, unsigned flags) {
  (void)flags;
  *event = new double(0);
  return OK;
}
CUresult cuEventRecord(void* event, void* stream) {
  (void)stream;
  *static_cast<double*>(event) =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return OK;
}
CUresult cuEventSynchronize(void* event) {
  (void)event;
  return OK;
}
CUresult cuEventElapsedTime(float* ms, void* start, void* end) {
  *ms = (float)(*static_cast<double*>(end) - *static_cast<double*>(start));
  return OK;
}
CUresult cuEventDestroy_v2(void* event) {
  delete static_cast<double*>(event);
  return OK;
}
}
