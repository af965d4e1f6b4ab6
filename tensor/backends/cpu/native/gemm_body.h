// The packed GEMM, written once with GCC vector extensions and compiled once
// per instruction set: lectern.cc includes this file inside a namespace under
// `#pragma GCC target(...)`, with VW (floats per vector) and MR (rows of the
// register tile) defined. The register tile is MR x NR with NR = 2 vectors,
// so MR * 2 accumulators plus 2 B vectors and a broadcast fit the register
// file (AVX-512: 12x32 in 27 of 32 zmm; AVX2: 6x16 in 15 of 16 ymm).
//
// The loop nest is Goto/BLIS's: B is packed in KC x NC panels (L3), A in
// MC x KC blocks (L2), and the micro-kernel streams an MR x KC sliver of A
// against a KC x NR sliver of B that stays in L1. Packing reads the operands
// through arbitrary strides, so transposed operands cost nothing extra.

typedef float vf __attribute__((vector_size(VW * 4), aligned(VW * 4)));
typedef float vfu __attribute__((vector_size(VW * 4), aligned(4)));

constexpr int NR = 2 * VW;
constexpr long KC = 256;
constexpr long MC = MR * 16;
constexpr long NC = NR * 16;

/** Copies rows [0, mc) x cols [0, kc) of A into MR-row slivers, zero-padded. */
static void packA(const float* a, long ars, long acs, long mc, long kc, float* dst) {
  for (long i = 0; i < mc; i += MR) {
    long mr = mc - i < MR ? mc - i : MR;
    if (acs == 1) {
      for (long ii = 0; ii < mr; ii++) {
        const float* src = a + (i + ii) * ars;
        for (long p = 0; p < kc; p++) dst[p * MR + ii] = src[p];
      }
    } else {
      for (long p = 0; p < kc; p++) {
        const float* src = a + i * ars + p * acs;
        for (long ii = 0; ii < mr; ii++) dst[p * MR + ii] = src[ii * ars];
      }
    }
    if (mr < MR) {
      for (long p = 0; p < kc; p++)
        for (long ii = mr; ii < MR; ii++) dst[p * MR + ii] = 0;
    }
    dst += MR * kc;
  }
}

/** Copies rows [0, kc) x cols [0, nc) of B into NR-column slivers, zero-padded. */
static void packB(const float* b, long brs, long bcs, long kc, long nc, float* dst) {
  for (long j = 0; j < nc; j += NR) {
    long nr = nc - j < NR ? nc - j : NR;
    if (bcs == 1 && nr == NR) {
      for (long p = 0; p < kc; p++) {
        const float* src = b + p * brs + j;
        for (long jj = 0; jj < NR; jj++) dst[p * NR + jj] = src[jj];
      }
    } else if (bcs == 1) {
      for (long p = 0; p < kc; p++) {
        const float* src = b + p * brs + j;
        for (long jj = 0; jj < nr; jj++) dst[p * NR + jj] = src[jj];
        for (long jj = nr; jj < NR; jj++) dst[p * NR + jj] = 0;
      }
    } else {
      for (long jj = 0; jj < nr; jj++) {
        const float* src = b + (j + jj) * bcs;
        for (long p = 0; p < kc; p++) dst[p * NR + jj] = src[p * brs];
      }
      for (long p = 0; p < kc; p++)
        for (long jj = nr; jj < NR; jj++) dst[p * NR + jj] = 0;
    }
    dst += NR * kc;
  }
}

/**
 * C[0..mr, 0..nr] (+)= Apanel (MR x kc) · Bpanel (kc x NR). Full tiles go
 * straight to C; edge tiles go through a local tile.
 */
static inline void microKernel(long kc, const float* __restrict a, const float* __restrict b,
                               float* c, long ldc, bool accumulate, long mr, long nr) {
  vf acc0[MR], acc1[MR];
  // C is read after the k loop: start fetching its rows now (they are
  // usually far away in memory) so the loads do not stall the tile's end.
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    __builtin_prefetch(c + i * ldc, 1);
    __builtin_prefetch(c + i * ldc + NR - 1, 1);
    acc0[i] = (vf){};
    acc1[i] = (vf){};
  }
  for (long p = 0; p < kc; p++) {
    const vf b0 = *(const vf*)(b + p * NR);
    const vf b1 = *(const vf*)(b + p * NR + VW);
    const float* ap = a + p * MR;
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      acc0[i] += ap[i] * b0;
      acc1[i] += ap[i] * b1;
    }
  }
  if (mr == MR && nr == NR) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      vfu* row = (vfu*)(c + i * ldc);
      if (accumulate) {
        row[0] = row[0] + (vfu)acc0[i];
        row[1] = row[1] + (vfu)acc1[i];
      } else {
        row[0] = (vfu)acc0[i];
        row[1] = (vfu)acc1[i];
      }
    }
    return;
  }
  alignas(64) float tile[MR * NR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    *(vf*)(tile + i * NR) = acc0[i];
    *(vf*)(tile + i * NR + VW) = acc1[i];
  }
  for (long i = 0; i < mr; i++) {
    float* row = c + i * ldc;
    if (accumulate)
      for (long j = 0; j < nr; j++) row[j] += tile[i * NR + j];
    else
      for (long j = 0; j < nr; j++) row[j] = tile[i * NR + j];
  }
}

/** Per-thread packing buffers, grown once and reused by every call. */
static float* scratch(std::vector<float>& buf, size_t n) {
  if (buf.size() < n + 16) buf.resize(n + 16);
  uintptr_t p = (uintptr_t)buf.data();
  return (float*)((p + 63) & ~(uintptr_t)63);
}

/**
 * The block C[i0..i1, j0..j1] of C = A·B (+ C when accumulate), A(i, p) =
 * a[i*ars + p*acs], B(p, j) = b[p*brs + j*bcs], C row-major with stride ldc.
 * B's NC-column panel is packed for the whole k range once, then each
 * MC-row block of C runs every KC step while it is still in L2, so C
 * crosses the memory bus once rather than once per KC step.
 */
static void gemmBlock(const GemmArgs& g, long i0, long i1, long j0, long j1) {
  static thread_local std::vector<float> bufA, bufB;
  const long kSteps = (g.k + KC - 1) / KC;
  float* pa = scratch(bufA, MC * KC);
  float* pb = scratch(bufB, (size_t)kSteps * KC * NC);
  for (long jc = j0; jc < j1; jc += NC) {
    long nc = j1 - jc < NC ? j1 - jc : NC;
    long ncPadded = (nc + NR - 1) / NR * NR;
    for (long pc = 0; pc < g.k; pc += KC) {
      long kc = g.k - pc < KC ? g.k - pc : KC;
      packB(g.b + pc * g.brs + jc * g.bcs, g.brs, g.bcs, kc, nc, pb + pc * ncPadded);
    }
    for (long ic = i0; ic < i1; ic += MC) {
      long mc = i1 - ic < MC ? i1 - ic : MC;
      for (long pc = 0; pc < g.k; pc += KC) {
        long kc = g.k - pc < KC ? g.k - pc : KC;
        bool acc = g.accumulate || pc > 0;
        const float* pbk = pb + pc * ncPadded;
        packA(g.a + ic * g.ars + pc * g.acs, g.ars, g.acs, mc, kc, pa);
        for (long jr = 0; jr < nc; jr += NR) {
          long nr = nc - jr < NR ? nc - jr : NR;
          for (long ir = 0; ir < mc; ir += MR) {
            long mr = mc - ir < MR ? mc - ir : MR;
            microKernel(kc, pa + ir * kc, pbk + jr * kc, g.c + (ic + ir) * g.ldc + jc + jr, g.ldc,
                        acc, mr, nr);
          }
        }
      }
    }
  }
}

static constexpr int tileRows = MR;
static constexpr int tileCols = NR;
