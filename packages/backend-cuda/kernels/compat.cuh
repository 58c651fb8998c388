// What pool.cu needs from its compiler, spelled once for nvcc and once for the host emulation
// (test/host/emulate.hpp, which must be included first), so the same kernel text builds both.
#pragma once

#ifdef __CUDACC__
#include <cuda_fp16.h>

#define MT_DEVICE __device__ __forceinline__
#define MT_KERNEL extern "C" __global__ void __launch_bounds__(1024)
// Kernel arguments are read in place from parameter space (no per-thread copy of the struct).
#define MT_GRID_CONSTANT __grid_constant__
#define MT_SHARED_FLOATS(name) extern __shared__ float name[]

MT_DEVICE unsigned mt_float_bits(float x) { return __float_as_uint(x); }
MT_DEVICE float mt_bits_float(unsigned u) { return __uint_as_float(u); }
MT_DEVICE float mt_half_to_float(unsigned short h) { return __half2float(__ushort_as_half(h)); }
MT_DEVICE unsigned short mt_float_to_half(float x) { return __half_as_ushort(__float2half_rn(x)); }
MT_DEVICE void mt_flag(unsigned* flag) { atomicOr(flag, 1u); }
#endif
