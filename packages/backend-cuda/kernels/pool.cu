// Matryoshka's CUDA kernels: the fused pyramid and the window kernel that serves every other op.
// Compiled to PTX by scripts/build-ptx.mjs (nvcc, compute_75) and, unchanged, to host code by the
// tests (test/host), which emulate the launch grid on the CPU. Layout of every grid:
// row-major [frames][rows][cols][channels]. Sums run in float32 whatever the storage type.
#include "compat.cuh"

// Storage types. Half and bfloat16 travel as their 16 bits; arithmetic is always float32.
struct mt_f16 { unsigned short bits; };
struct mt_bf16 { unsigned short bits; };

MT_DEVICE float mt_to_float(float x) { return x; }
MT_DEVICE float mt_to_float(mt_f16 x) { return mt_half_to_float(x.bits); }
MT_DEVICE float mt_to_float(mt_bf16 x) { return mt_bits_float((unsigned)x.bits << 16); }

MT_DEVICE void mt_store(float* p, float v) { *p = v; }
MT_DEVICE void mt_store(mt_f16* p, float v) { p->bits = mt_float_to_half(v); }
MT_DEVICE void mt_store(mt_bf16* p, float v) {
  const unsigned u = mt_float_bits(v);
  // Round to nearest even; NaN stays a (quiet) NaN instead of rounding into infinity.
  p->bits = (u & 0x7fffffffu) > 0x7f800000u ? (unsigned short)((u >> 16) | 0x40u)
                                            : (unsigned short)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

// NaN or ±Infinity: all exponent bits set.
MT_DEVICE bool mt_non_finite(float x) { return (mt_float_bits(x) & 0x7f800000u) == 0x7f800000u; }
MT_DEVICE int mt_min(int a, int b) { return a < b ? a : b; }

// ---------------------------------------------------------------------------------------------
// The fused pyramid. One block owns `blockDim.x` channels of one frame and computes every step of
// core's schedule for them: steps that pool the input read it straight from global memory (each
// element once when all kernels nest), steps that pool a finer step read that step's tile from
// shared memory. Every step is written to its level as it is computed; the identity level (576 of
// 576) is written while step 0 reads the input. threadIdx.x is the channel (coalesced loads and
// stores), threadIdx.y strides over the cells of a step.

#define MT_MAX_STEPS 8

struct MtStep {                  // 48 bytes; offsets mirrored in src/kernels/args.ts
  unsigned long long dst;        // 0   this step's level (Dst elements)
  int source;                    // 8   -1: the input; else an earlier step
  int m;                         // 12  block size on the source
  int srcKernel;                 // 16  input cells per source cell along an axis (1 for the input)
  int srcRows;                   // 20
  int srcCols;                   // 24
  int outRows;                   // 28
  int outCols;                   // 32
  int tile;                      // 36  first cell of this step's tile in shared memory; -1: none
  int pad0;                      // 40
  int pad1;                      // 44
};

struct MtPyramidArgs {           // 48 + 8 × 48 = 432 bytes
  unsigned long long src;        // 0
  unsigned long long identity;   // 8   0: no identity level
  unsigned long long flag;       // 16  unsigned int, set to 1 when a value read is NaN/±Infinity
  int frames;                    // 24
  int rows;                      // 28
  int cols;                      // 32
  int channels;                  // 36
  int steps;                     // 40
  int pad;                       // 44
  MtStep step[MT_MAX_STEPS];     // 48
};

// Input cells under source cell i along an axis of `size` cells (the clipped last one has fewer):
// a chained step weights finer cells by it, so chained pooling equals direct pooling.
MT_DEVICE float mt_cell_weight(int i, int k, int size) { return (float)(mt_min((i + 1) * k, size) - i * k); }

template <typename Src, typename Dst>
MT_DEVICE void mt_pyramid(const MtPyramidArgs& a) {
  MT_SHARED_FLOATS(tiles);
  const int lanes = (int)blockDim.x;
  const int lane = (int)threadIdx.x;
  const int ch = (int)blockIdx.x * lanes + lane;
  const bool active = ch < a.channels;
  const size_t C = (size_t)a.channels;
  const size_t frameSize = (size_t)a.rows * a.cols * C;
  bool bad = false;
  for (int f = (int)blockIdx.y; f < a.frames; f += (int)gridDim.y) {
    const Src* in = reinterpret_cast<const Src*>(a.src) + f * frameSize;
    Dst* ident = a.identity == 0 ? nullptr : reinterpret_cast<Dst*>(a.identity) + f * frameSize;
    for (int s = 0; s < a.steps; s++) {
      const MtStep& st = a.step[s];
      const int cells = st.outRows * st.outCols;
      Dst* out = reinterpret_cast<Dst*>(st.dst) + (size_t)f * cells * C;
      const bool copy = s == 0 && ident != nullptr;
      for (int cell = (int)threadIdx.y; active && cell < cells; cell += (int)blockDim.y) {
        const int orow = cell / st.outCols;
        const int ocol = cell - orow * st.outCols;
        const int r0 = orow * st.m, r1 = mt_min(r0 + st.m, st.srcRows);
        const int c0 = ocol * st.m, c1 = mt_min(c0 + st.m, st.srcCols);
        float sum = 0.0f, total;
        if (st.source < 0) {
          for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
              const size_t i = ((size_t)r * a.cols + c) * C + ch;
              const float x = mt_to_float(in[i]);
              bad |= mt_non_finite(x);
              if (copy) mt_store(ident + i, x);
              sum += x;
            }
          }
          total = (float)((r1 - r0) * (c1 - c0));
        } else {
          const MtStep& p = a.step[st.source];
          const float* t = tiles + (size_t)p.tile * lanes + lane;
          float rowTotal = 0.0f, colTotal = 0.0f;
          for (int c = c0; c < c1; c++) colTotal += mt_cell_weight(c, st.srcKernel, a.cols);
          for (int r = r0; r < r1; r++) {
            const float wr = mt_cell_weight(r, st.srcKernel, a.rows);
            float rowSum = 0.0f;
            for (int c = c0; c < c1; c++) rowSum += mt_cell_weight(c, st.srcKernel, a.cols) * t[(size_t)(r * p.outCols + c) * lanes];
            sum += wr * rowSum;
            rowTotal += wr;
          }
          total = rowTotal * colTotal;
        }
        const float v = sum / total;
        mt_store(out + (size_t)cell * C + ch, v);
        if (st.tile >= 0) tiles[(size_t)(st.tile + cell) * lanes + lane] = v;
      }
      if (copy && active) {
        // Input cells no window of step 0 reads (the rows and columns floor mode drops).
        const int rowsRead = mt_min(st.outRows * st.m, a.rows);
        const int colsRead = mt_min(st.outCols * st.m, a.cols);
        const int rest = a.rows * a.cols - rowsRead * colsRead;
        for (int k = (int)threadIdx.y; k < rest; k += (int)blockDim.y) {
          // The dropped columns of the rows read, then every column of the dropped rows.
          const int dropCols = a.cols - colsRead;
          int r, c;
          if (k < rowsRead * dropCols) {
            r = k / dropCols;
            c = colsRead + (k - r * dropCols);
          } else {
            const int j = k - rowsRead * dropCols;
            r = rowsRead + j / a.cols;
            c = j - (r - rowsRead) * a.cols;
          }
          const size_t i = ((size_t)r * a.cols + c) * C + ch;
          const float x = mt_to_float(in[i]);
          bad |= mt_non_finite(x);
          mt_store(ident + i, x);
        }
      }
      // The next step may read this step's tile; the next frame overwrites the tiles.
      __syncthreads();
    }
  }
  if (bad) mt_flag(reinterpret_cast<unsigned*>(a.flag));
}

// ---------------------------------------------------------------------------------------------
// The window kernel: output element e is the weighted sum (or the max) over the product of a
// frame window, a row window and a column window read from a table — avg floor/ceil, adaptive,
// bilinear, max, spatio-temporal average, the sampling baselines, type conversions, and the
// steps of a pyramid too large for the fused kernel's shared memory. One thread per element,
// channel fastest, grid-stride.

struct MtWindowArgs {            // 80 bytes; offsets mirrored in src/kernels/args.ts
  unsigned long long src;        // 0
  unsigned long long dst;        // 8
  unsigned long long table;      // 16  per window [start, end, weightOffset] (u32), weights as f32 bits
  unsigned long long flag;       // 24
  unsigned long long total;      // 32  output elements
  int inFrames;                  // 40  (unused by the arithmetic; kept for bounds in tests)
  int inRows;                    // 44
  int inCols;                    // 48
  int channels;                  // 52
  int outRows;                   // 56
  int outCols;                   // 60
  int frameTable;                // 64  word offsets of each axis' windows in the table
  int rowTable;                  // 68
  int colTable;                  // 72
  int reduce;                    // 76  0: weighted sum, 1: max (NaN propagates)
};

template <typename Src, typename Dst>
MT_DEVICE void mt_window(const MtWindowArgs& a) {
  const Src* in = reinterpret_cast<const Src*>(a.src);
  Dst* out = reinterpret_cast<Dst*>(a.dst);
  const unsigned* table = reinterpret_cast<const unsigned*>(a.table);
  const unsigned long long C = (unsigned long long)a.channels;
  const unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
  bool bad = false;
  for (unsigned long long e = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; e < a.total; e += stride) {
    const int ch = (int)(e % C);
    const unsigned long long cell = e / C;
    const int c = (int)(cell % (unsigned)a.outCols);
    const unsigned long long fr = cell / (unsigned)a.outCols;
    const int r = (int)(fr % (unsigned)a.outRows);
    const int t = (int)(fr / (unsigned)a.outRows);
    const unsigned* ft = table + a.frameTable + 3 * t;
    const unsigned* rt = table + a.rowTable + 3 * r;
    const unsigned* ct = table + a.colTable + 3 * c;
    float acc = 0.0f;
    bool first = true;
    for (unsigned fi = ft[0]; fi < ft[1]; fi++) {
      const float wf = mt_bits_float(table[ft[2] + (fi - ft[0])]);
      for (unsigned ri = rt[0]; ri < rt[1]; ri++) {
        const float wr = wf * mt_bits_float(table[rt[2] + (ri - rt[0])]);
        const size_t row = ((size_t)fi * a.inRows + ri) * a.inCols;
        for (unsigned ci = ct[0]; ci < ct[1]; ci++) {
          const float x = mt_to_float(in[(row + ci) * C + ch]);
          bad |= mt_non_finite(x);
          if (a.reduce == 0) {
            acc += wr * mt_bits_float(table[ct[2] + (ci - ct[0])]) * x;
          } else if (first || x > acc || x != x) {
            acc = x; // NaN sticks: once met, `x > NaN` is false and `x != x` only re-selects NaN
          }
          first = false;
        }
      }
    }
    mt_store(out + e, acc);
  }
  if (bad) mt_flag(reinterpret_cast<unsigned*>(a.flag));
}

// ---------------------------------------------------------------------------------------------
// Entry points: matryoshka_{pyramid,window}_<src>_<dst>, unmangled for cuModuleGetFunction.

#define MT_ENTRY(S, D, SN, DN)                                                                                      \
  MT_KERNEL matryoshka_pyramid_##SN##_##DN(const MT_GRID_CONSTANT MtPyramidArgs args) { mt_pyramid<S, D>(args); } \
  MT_KERNEL matryoshka_window_##SN##_##DN(const MT_GRID_CONSTANT MtWindowArgs args) { mt_window<S, D>(args); }

#define MT_ENTRIES(S, SN)            \
  MT_ENTRY(S, float, SN, f32)        \
  MT_ENTRY(S, mt_f16, SN, f16)       \
  MT_ENTRY(S, mt_bf16, SN, bf16)

MT_ENTRIES(float, f32)
MT_ENTRIES(mt_f16, f16)
MT_ENTRIES(mt_bf16, bf16)
