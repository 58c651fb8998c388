// Host emulation of a CUDA launch grid, so kernels/pool.cu compiles with g++ and runs on the CPU.
// Every thread of a block is a fiber (ucontext): __syncthreads() switches to the next thread, and
// the scheduler checks that all threads of a block meet every barrier together (a divergent
// barrier is a bug on a GPU; here it fails the launch). Kernels without barriers run their
// threads as plain calls. Include before kernels/compat.cuh.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <ucontext.h>
#include <vector>

struct uint3 { unsigned x, y, z; };
struct dim3 { unsigned x, y, z; };

namespace emu {

inline uint3 threadIdx_, blockIdx_;
inline dim3 blockDim_, gridDim_;
inline std::vector<float> shared_;

struct Fiber {
  ucontext_t ctx;
  std::vector<char> stack;
  uint3 idx;
  int barriers = 0;
  bool done = false;
};

inline ucontext_t scheduler_;
inline Fiber* current_ = nullptr;
inline bool fibers_ = false;
inline const std::function<void()>* body_ = nullptr;

inline void syncthreads() {
  if (!fibers_) throw std::runtime_error("__syncthreads() in a kernel launched without barrier support");
  current_->barriers++;
  swapcontext(&current_->ctx, &scheduler_);
}

inline void fiber_entry() {
  (*body_)();
  current_->done = true;  // uc_link returns to the scheduler
}

// Runs one block: every thread in a fiber (barriers) or one after the other (no barriers).
inline void run_block(const std::function<void()>& body, bool barriers, std::vector<Fiber>& pool) {
  const unsigned n = blockDim_.x * blockDim_.y * blockDim_.z;
  if (!barriers) {
    for (unsigned i = 0; i < n; i++) {
      threadIdx_ = {i % blockDim_.x, (i / blockDim_.x) % blockDim_.y, i / (blockDim_.x * blockDim_.y)};
      body();
    }
    return;
  }
  if (pool.size() < n) pool.resize(n);
  body_ = &body;
  fibers_ = true;
  for (unsigned i = 0; i < n; i++) {
    Fiber& f = pool[i];
    f.idx = {i % blockDim_.x, (i / blockDim_.x) % blockDim_.y, i / (blockDim_.x * blockDim_.y)};
    f.barriers = 0;
    f.done = false;
    if (f.stack.empty()) f.stack.resize(64 * 1024);
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = f.stack.data();
    f.ctx.uc_stack.ss_size = f.stack.size();
    f.ctx.uc_link = &scheduler_;
    makecontext(&f.ctx, fiber_entry, 0);
  }
  for (;;) {
    unsigned finished = 0;
    for (unsigned i = 0; i < n; i++) {
      Fiber& f = pool[i];
      if (f.done) {
        finished++;
        continue;
      }
      current_ = &f;
      threadIdx_ = f.idx;
      swapcontext(&scheduler_, &f.ctx);
      if (f.done) finished++;
    }
    // After a round every thread has reached the same barrier, or every thread has returned.
    for (unsigned i = 1; i < n; i++) {
      if (pool[i].barriers != pool[0].barriers || pool[i].done != pool[0].done) {
        fibers_ = false;
        throw std::runtime_error("divergent __syncthreads(): threads of one block met different barriers");
      }
    }
    if (finished == n) break;
  }
  fibers_ = false;
}

// Runs a whole grid, block by block, with `sharedBytes` of dynamic shared memory per block.
inline void launch(dim3 grid, dim3 block, size_t sharedBytes, bool barriers, const std::function<void()>& body) {
  gridDim_ = grid;
  blockDim_ = block;
  static std::vector<Fiber> pool;
  for (unsigned z = 0; z < grid.z; z++)
    for (unsigned y = 0; y < grid.y; y++)
      for (unsigned x = 0; x < grid.x; x++) {
        blockIdx_ = {x, y, z};
        // Fresh garbage in shared memory for every block: a kernel must not read what it did not write.
        shared_.assign((sharedBytes + 3) / 4, -1.2345e30f);
        run_block(body, barriers, pool);
      }
}

}  // namespace emu

#define threadIdx (emu::threadIdx_)
#define blockIdx (emu::blockIdx_)
#define blockDim (emu::blockDim_)
#define gridDim (emu::gridDim_)
#define __syncthreads() emu::syncthreads()

#define MT_DEVICE static inline
#define MT_KERNEL extern "C" void
#define MT_GRID_CONSTANT
#define MT_SHARED_FLOATS(name) float* name = emu::shared_.data()

static inline unsigned mt_float_bits(float x) {
  unsigned u;
  std::memcpy(&u, &x, 4);
  return u;
}
static inline float mt_bits_float(unsigned u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}
// IEEE binary16, exact widening.
static inline float mt_half_to_float(unsigned short h) {
  const unsigned sign = (unsigned)(h & 0x8000u) << 16;
  const unsigned exp = (h >> 10) & 0x1fu;
  const unsigned mant = h & 0x3ffu;
  if (exp == 0x1f) return mt_bits_float(sign | 0x7f800000u | (mant << 13));
  if (exp == 0) {
    const float v = (float)mant * (1.0f / 16777216.0f);  // mant × 2^-24
    return sign ? -v : v;
  }
  return mt_bits_float(sign | ((exp + 112u) << 23) | (mant << 13));
}
// Round to nearest even, like cvt.rn.f16.f32.
static inline unsigned short mt_float_to_half(float x) {
  const unsigned u = mt_float_bits(x);
  const unsigned sign = (u >> 16) & 0x8000u;
  const int exp = (int)((u >> 23) & 0xffu);
  unsigned mant = u & 0x7fffffu;
  if (exp == 0xff) return (unsigned short)(sign | 0x7c00u | (mant ? 0x200u : 0u));
  const int e = exp - 127 + 15;
  if (e >= 0x1f) return (unsigned short)(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return (unsigned short)sign;
    mant |= 0x800000u;
    const int shift = 14 - e;
    const unsigned half = mant >> shift;
    const unsigned rest = mant & ((1u << shift) - 1u);
    const unsigned mid = 1u << (shift - 1);
    return (unsigned short)(sign | (half + ((rest > mid || (rest == mid && (half & 1u))) ? 1u : 0u)));
  }
  const unsigned half = mant >> 13;
  const unsigned rest = mant & 0x1fffu;
  unsigned bits = ((unsigned)e << 10) | half;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) bits += 1;  // may carry into the exponent: correct
  return (unsigned short)(sign | bits);
}
static inline void mt_flag(unsigned* flag) { *flag |= 1u; }
