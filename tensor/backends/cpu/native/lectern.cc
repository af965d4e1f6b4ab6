// lectern's native CPU kernels (Node-API, no dependencies): a packed,
// register-tiled SGEMM compiled for AVX-512, AVX2+FMA and the baseline
// instruction set and picked at load time from what the CPU reports; the
// im2col/col2im gathers convolution needs around it; and a small thread pool
// that splits a product across `setThreads(n)` cores. tensor/backends/cpu/
// native.ts loads it when `npm install` built it and otherwise the
// TypeScript kernels run, with the same results within float tolerance.
#include <node_api.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

struct GemmArgs {
  const float* a;
  long ars, acs;
  const float* b;
  long brs, bcs;
  float* c;
  long ldc;
  long m, n, k;
  bool accumulate;
};

#define VW 4
#define MR 6
namespace baseline {
#include "gemm_body.h"
}
#undef VW
#undef MR

#if defined(__x86_64__) && defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define VW 8
#define MR 6
namespace avx2 {
#include "gemm_body.h"
}
#undef VW
#undef MR
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512dq,avx2,fma")
#define VW 16
#define MR 12
namespace avx512 {
#include "gemm_body.h"
}
#undef VW
#undef MR
#pragma GCC pop_options
#endif

struct Isa {
  const char* name;
  void (*block)(const GemmArgs&, long, long, long, long);
  int tileRows, tileCols;
};

static Isa pickIsa() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    return {"avx512", avx512::gemmBlock, avx512::tileRows, avx512::tileCols};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {"avx2", avx2::gemmBlock, avx2::tileRows, avx2::tileCols};
#endif
  return {"baseline", baseline::gemmBlock, baseline::tileRows, baseline::tileCols};
}

static Isa isa = pickIsa();

// ---------------------------------------------------------------------------
// Thread pool: workers sleep on a condition variable between calls (the
// machine is shared, so no spinning); the calling thread runs task 0. It is
// leaked on purpose so exit never joins or destroys a waiting worker.

class Pool {
 public:
  int size() const { return threads_; }

  void resize(int n) {
    std::lock_guard<std::mutex> call(callMutex_);
    n = std::max(1, std::min(n, 256));
    while ((int)workers_.size() < n - 1) {
      int id = (int)workers_.size() + 1;
      workers_.emplace_back([this, id] { loop(id); });
      workers_.back().detach();
    }
    threads_ = n;
  }

  /** Runs fn(0..tasks-1), one per thread, and returns when all are done. */
  void run(int tasks, const std::function<void(int)>& fn) {
    if (tasks <= 1) {
      fn(0);
      return;
    }
    std::lock_guard<std::mutex> call(callMutex_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &fn;
      tasks_ = tasks;
      pending_ = tasks - 1;
      generation_++;
    }
    wake_.notify_all();
    fn(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
  }

 private:
  void loop(int id) {
    unsigned long seen = 0;
    for (;;) {
      const std::function<void(int)>* job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        if (id >= tasks_) continue;
        job = job_;
      }
      (*job)(id);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex callMutex_, mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* job_ = nullptr;
  unsigned long generation_ = 0;
  int tasks_ = 0, pending_ = 0, threads_ = 1;
};

static Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

/**
 * C = A·B (+ C): splits the larger of m and n into one contiguous range of
 * whole register tiles per thread; small products stay on one thread.
 */
static void gemm(const GemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0) {
    if (!g.accumulate)
      for (long i = 0; i < g.m; i++) std::memset(g.c + i * g.ldc, 0, g.n * sizeof(float));
    return;
  }
  double flops = 2.0 * g.m * g.n * g.k;
  int threads = pool().size();
  if (flops < 4e6) threads = 1;
  bool splitN = g.n >= g.m;
  long extent = splitN ? g.n : g.m;
  long unit = splitN ? isa.tileCols : isa.tileRows;
  long units = (extent + unit - 1) / unit;
  threads = (int)std::min<long>(threads, units);
  pool().run(threads, [&](int t) {
    long lo = std::min(extent, units * t / threads * unit);
    long hi = std::min(extent, units * (t + 1) / threads * unit);
    if (lo >= hi) return;
    if (splitN)
      isa.block(g, 0, g.m, lo, hi);
    else
      isa.block(g, lo, hi, 0, g.n);
  });
}

/**
 * The windowed gather behind convolution, identical to unfold.ts's
 * windowTransfer: image → columns (toColumns, padding reads 0) or columns
 * added back onto the image (padding dropped). geo holds inSize, outSize,
 * kernel, stride, padding, dilation, three ints each. Column row r starts
 * at cols + r * ld, so several images' columns can sit side by side.
 */
static void windowTransfer(float* image, float* cols, long ld, long channels, const int32_t* geo,
                           bool toColumns) {
  const long D = geo[0], H = geo[1], W = geo[2];
  const long oD = geo[3], oH = geo[4], oW = geo[5];
  const long kD = geo[6], kH = geo[7], kW = geo[8];
  const long sD = geo[9], sH = geo[10], sW = geo[11];
  const long pD = geo[12], pH = geo[13], pW = geo[14];
  const long dD = geo[15], dH = geo[16], dW = geo[17];
  long r = 0;
  for (long c = 0; c < channels; c++) {
    float* plane = image + c * D * H * W;
    for (long kd = 0; kd < kD; kd++) {
      for (long kh = 0; kh < kH; kh++) {
        for (long kw = 0; kw < kW; kw++, r++) {
          long at = r * ld;
          const long shift = kw * dW - pW;
          // output columns [lo, hi) are the ones whose tap lands inside the width
          long lo = shift >= 0 ? 0 : (-shift + sW - 1) / sW;
          lo = std::min(oW, lo);
          long hiRaw = W - shift <= 0 ? 0 : (W - shift + sW - 1) / sW;
          long hi = std::max(lo, std::min(oW, hiRaw));
          for (long od = 0; od < oD; od++) {
            const long id = od * sD - pD + kd * dD;
            for (long oh = 0; oh < oH; oh++, at += oW) {
              const long ih = oh * sH - pH + kh * dH;
              const bool inside = id >= 0 && id < D && ih >= 0 && ih < H;
              float* out = cols + at;
              if (toColumns) {
                if (!inside) {
                  std::memset(out, 0, oW * sizeof(float));
                  continue;
                }
                const float* row = plane + (id * H + ih) * W + shift;
                for (long ow = 0; ow < lo; ow++) out[ow] = 0;
                if (sW == 1)
                  std::memcpy(out + lo, row + lo, (hi - lo) * sizeof(float));
                else
                  for (long ow = lo; ow < hi; ow++) out[ow] = row[ow * sW];
                for (long ow = hi; ow < oW; ow++) out[ow] = 0;
              } else if (inside) {
                float* row = plane + (id * H + ih) * W + shift;
                for (long ow = lo; ow < hi; ow++) row[ow * sW] += out[ow];
              }
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Elementwise float32 ops over strided views (broadcasts have stride 0). The
// caller merges dims first, so most calls are one flat loop that the
// compiler vectorises; results match elementwise.ts (math in double, NaN
// propagation of maximum/minimum/relu).

enum ElementOp {
  kAdd, kSub, kMul, kDiv, kMaximum, kMinimum,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kNeg, kRelu, kExp, kLog, kAbs, kSqrt, kSigmoid, kTanh, kCopy,
  kWhere,
  kOpCount
};

template <int Op>
static inline float apply1(float x) {
  if (Op == kNeg) return -x;
  if (Op == kRelu) return x != x ? x : (x > 0 ? x : 0.0f);
  if (Op == kExp) return (float)std::exp((double)x);
  if (Op == kLog) return (float)std::log((double)x);
  if (Op == kAbs) return std::fabs(x);
  if (Op == kSqrt) return (float)std::sqrt((double)x);
  if (Op == kSigmoid) {
    double d = x;
    return (float)(d >= 0 ? 1 / (1 + std::exp(-d)) : std::exp(d) / (1 + std::exp(d)));
  }
  if (Op == kTanh) return (float)std::tanh((double)x);
  return x;
}

template <int Op>
static inline float apply2(float a, float b) {
  if (Op == kAdd) return a + b;
  if (Op == kSub) return a - b;
  if (Op == kMul) return a * b;
  if (Op == kDiv) return a / b;
  if (Op == kMaximum) return (a != a || b != b) ? NAN : (a > b ? a : b);
  return (a != a || b != b) ? NAN : (a < b ? a : b);
}

template <int Op>
static inline uint8_t compare(float a, float b) {
  if (Op == kEq) return a == b;
  if (Op == kNe) return a != b;
  if (Op == kLt) return a < b;
  if (Op == kLe) return a <= b;
  if (Op == kGt) return a > b;
  return a >= b;
}

/** One row of n outputs; s0..s2 are the operands' strides along it. */
template <int Op>
static void elementRow(void* out, const void* const* in, long n, const long* s) {
  if (Op <= kMinimum) {
    float* o = (float*)out;
    const float *a = (const float*)in[0], *b = (const float*)in[1];
    if (s[0] == 1 && s[1] == 1)
      for (long i = 0; i < n; i++) o[i] = apply2<Op>(a[i], b[i]);
    else if (s[0] == 1 && s[1] == 0)
      for (long i = 0; i < n; i++) o[i] = apply2<Op>(a[i], b[0]);
    else if (s[0] == 0 && s[1] == 1)
      for (long i = 0; i < n; i++) o[i] = apply2<Op>(a[0], b[i]);
    else
      for (long i = 0; i < n; i++) o[i] = apply2<Op>(a[i * s[0]], b[i * s[1]]);
  } else if (Op <= kGe) {
    uint8_t* o = (uint8_t*)out;
    const float *a = (const float*)in[0], *b = (const float*)in[1];
    if (s[0] == 1 && s[1] == 1)
      for (long i = 0; i < n; i++) o[i] = compare<Op>(a[i], b[i]);
    else if (s[0] == 1 && s[1] == 0)
      for (long i = 0; i < n; i++) o[i] = compare<Op>(a[i], b[0]);
    else
      for (long i = 0; i < n; i++) o[i] = compare<Op>(a[i * s[0]], b[i * s[1]]);
  } else if (Op <= kCopy) {
    float* o = (float*)out;
    const float* a = (const float*)in[0];
    if (s[0] == 1)
      for (long i = 0; i < n; i++) o[i] = apply1<Op>(a[i]);
    else
      for (long i = 0; i < n; i++) o[i] = apply1<Op>(a[i * s[0]]);
  } else {
    float* o = (float*)out;
    const uint8_t* c = (const uint8_t*)in[0];
    const float *a = (const float*)in[1], *b = (const float*)in[2];
    // both branches are loaded unconditionally so the select compiles to a
    // blend: a branch on random conditions (relu's mask) mispredicts half the time
    if (s[0] == 1 && s[1] == 1 && s[2] == 0) {
      const float bv = b[0];
      for (long i = 0; i < n; i++) {
        const float av = a[i];
        o[i] = c[i] ? av : bv;
      }
    } else {
      for (long i = 0; i < n; i++) {
        const float pick[2] = {b[i * s[2]], a[i * s[1]]};
        o[i] = pick[c[i * s[0]] != 0];
      }
    }
  }
}

typedef void (*RowFn)(void*, const void* const*, long, const long*);

template <int... Ops>
struct RowTable {
  static constexpr RowFn fns[] = {elementRow<Ops>...};
};
template <int... Ops>
constexpr RowFn RowTable<Ops...>::fns[];

static const RowFn* rowFns =
    RowTable<kAdd, kSub, kMul, kDiv, kMaximum, kMinimum, kEq, kNe, kLt, kLe, kGt, kGe, kNeg, kRelu,
             kExp, kLog, kAbs, kSqrt, kSigmoid, kTanh, kCopy, kWhere>::fns;

static int arity(int op) { return op <= kGe ? 2 : op <= kCopy ? 1 : 3; }

/**
 * Walks the output [shape] in row-major order; operand i starts at
 * base[i] (already offset) and steps strides[i * nd + d] along dim d.
 */
static void elementwise(int op, int nd, const long* shape, uint8_t* out, size_t outItem,
                        const uint8_t* const* base, const size_t* item, const long* strides) {
  const int nin = arity(op);
  long rows = 1;
  for (int d = 0; d < nd - 1; d++) rows *= shape[d];
  const long n = nd == 0 ? 1 : shape[nd - 1];
  long inner[3] = {0, 0, 0};
  for (int i = 0; i < nin; i++) inner[i] = nd == 0 ? 1 : strides[i * nd + nd - 1];
  std::vector<long> index(nd > 0 ? nd : 1, 0);
  const void* ptr[3];
  RowFn row = rowFns[op];
  for (long r = 0; r < rows; r++) {
    for (int i = 0; i < nin; i++) {
      long at = 0;
      for (int d = 0; d < nd - 1; d++) at += index[d] * strides[i * nd + d];
      ptr[i] = base[i] + at * (long)item[i];
    }
    row(out + r * n * outItem, ptr, n, inner);
    for (int d = nd - 2; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

// ---------------------------------------------------------------------------
// Softmax and reductions along one dim. Lines are described like reduce.ts
// describes them: line r starts at outer[r] (sums: its elements at
// inner[j]); sums accumulate in double as the reference does.

/**
 * e^x in float with Cephes' expf polynomial (about 1 ulp), written without
 * calls or branches so loops over it vectorise; below -87.3 it returns 0,
 * so e^-inf is exactly 0. NaN is the caller's business (softmax checks
 * each line for it first).
 */
static inline float expFloat(float x) {
  const float hi = 88.3762626647949f, lo = -87.33654475f;
  const float big = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  float c = x > hi ? hi : x;
  c = c < lo ? lo : c;
  float n = (c * 1.44269504088896341f + big) - big;
  float r = c - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * r * r + r + 1.0f;
  int32_t e = ((int32_t)n + 127) << 23;
  float scale;
  std::memcpy(&scale, &e, 4);
  y *= scale;
  return x < lo ? 0.0f : y;
}

/** Sum of n floats in double with 8 independent partial sums (a loop the compiler vectorises). */
static double sumFloats(const float* x, long n) {
  double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long j = 0;
  for (; j + 8 <= n; j += 8)
    for (int k = 0; k < 8; k++) part[k] += x[j + k];
  double s = 0;
  for (; j < n; j++) s += x[j];
  for (int k = 0; k < 8; k++) s += part[k];
  return s;
}

/** Largest of n floats, NaN if any is NaN, -inf when n = 0. */
static float maxFloats(const float* x, long n, long stride) {
  float part[8];
  for (int k = 0; k < 8; k++) part[k] = -INFINITY;
  bool nan = false;
  long j = 0;
  if (stride == 1) {
    for (; j + 8 <= n; j += 8)
      for (int k = 0; k < 8; k++) {
        float v = x[j + k];
        nan |= v != v;
        part[k] = v > part[k] ? v : part[k];
      }
  }
  float m = -INFINITY;
  for (; j < n; j++) {
    float v = x[j * stride];
    nan |= v != v;
    m = v > m ? v : m;
  }
  for (int k = 0; k < 8; k++) m = part[k] > m ? part[k] : m;
  return nan ? NAN : m;
}

static void softmaxLines(bool log, const float* src, const int32_t* outer, long lines,
                         long srcStride, long len, float* dst, long dStride) {
  for (long r = 0; r < lines; r++) {
    const float* x = src + outer[r];
    float* y = dst + (r / dStride) * dStride * len + (r % dStride);
    float m = maxFloats(x, len, srcStride);
    if (m != m) {
      for (long j = 0; j < len; j++) y[j * dStride] = NAN;
      continue;
    }
    // a line of -inf (everything masked) gives NaN, as in PyTorch
    if (m == -INFINITY) m = 0;
    double s = 0;
    if (srcStride == 1 && dStride == 1) {
      for (long j = 0; j < len; j++) y[j] = expFloat(x[j] - m);
      s = sumFloats(y, len);
    } else {
      for (long j = 0; j < len; j++) {
        float e = expFloat(x[j * srcStride] - m);
        y[j * dStride] = e;
        s += e;
      }
    }
    if (log) {
      // x - lse in double, as the reference does: in float the cancellation
      // would cost the result's low bits
      double lse = (double)m + std::log(s);
      for (long j = 0; j < len; j++) y[j * dStride] = (float)((double)x[j * srcStride] - lse);
    } else {
      float inv = (float)(1.0 / s);
      for (long j = 0; j < len; j++) y[j * dStride] *= inv;
    }
  }
}

enum ReduceOp { kSum, kMax, kMin };

static void reduceRows(int op, const float* src, const int32_t* outer, long rows,
                       const int32_t* inner, long len, float* out) {
  bool contiguous = true;
  for (long j = 0; inner && j < len && contiguous; j++) contiguous = inner[j] == j;
  for (long r = 0; r < rows; r++) {
    const float* x = src + outer[r];
    if (op == kSum) {
      double s = 0;
      if (contiguous)
        s = sumFloats(x, len);
      else
        for (long j = 0; j < len; j++) s += x[inner[j]];
      out[r] = (float)s;
      continue;
    }
    if (op == kMax && contiguous) {
      out[r] = maxFloats(x, len, 1);
      continue;
    }
    float m = op == kMax ? -INFINITY : INFINITY;
    bool nan = false;
    for (long j = 0; j < len; j++) {
      float v = contiguous ? x[j] : x[inner[j]];
      nan |= v != v;
      m = op == kMax ? (v > m ? v : m) : (v < m ? v : m);
    }
    out[r] = nan ? NAN : m;
  }
}

// ---------------------------------------------------------------------------
// The norm primitive of normalization.ts over x viewed as [outer, channels,
// inner]: moments, normalize and its backward, with the same float64 sums
// (here split into 8 partial sums so they vectorise).

/** Sum over i < n of f(i) in double with 8 partial sums. */
template <class F>
static inline double sumOf(long n, F f) {
  double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; k++) part[k] += f(i + k);
  double s = 0;
  for (; i < n; i++) s += f(i);
  for (int k = 0; k < 8; k++) s += part[k];
  return s;
}

static void normMoments(const float* x, long outer, long channels, long inner, float* out) {
  const double count = (double)outer * inner;
  std::vector<double> mean(channels, 0.0), squares(channels, 0.0);
  for (long o = 0; o < outer; o++)
    for (long c = 0; c < channels; c++) {
      const float* row = x + (o * channels + c) * inner;
      mean[c] += sumOf(inner, [&](long b) { return (double)row[b]; });
    }
  for (long c = 0; c < channels; c++) mean[c] /= count;
  for (long o = 0; o < outer; o++)
    for (long c = 0; c < channels; c++) {
      const float* row = x + (o * channels + c) * inner;
      const double m = mean[c];
      squares[c] += sumOf(inner, [&](long b) { double d = row[b] - m; return d * d; });
    }
  for (long c = 0; c < channels; c++) {
    out[c] = (float)mean[c];
    out[channels + c] = (float)(squares[c] / count);
  }
}

static void normApply(const float* x, const float* stats, double eps, long outer, long channels,
                      long inner, float* y) {
  for (long o = 0; o < outer; o++)
    for (long c = 0; c < channels; c++) {
      const long at = (o * channels + c) * inner;
      const double m = stats[c], s = 1 / std::sqrt((double)stats[channels + c] + eps);
      for (long b = 0; b < inner; b++) y[at + b] = (float)((x[at + b] - m) * s);
    }
}

static void normBackward(const float* g, const float* x, const float* stats, double eps, long outer,
                         long channels, long inner, float* gx) {
  const double count = (double)outer * inner;
  std::vector<double> sumG(channels, 0.0), sumGY(channels, 0.0);
  for (long o = 0; o < outer; o++)
    for (long c = 0; c < channels; c++) {
      const long at = (o * channels + c) * inner;
      const double m = stats[c], s = 1 / std::sqrt((double)stats[channels + c] + eps);
      sumG[c] += sumOf(inner, [&](long b) { return (double)g[at + b]; });
      sumGY[c] += sumOf(inner, [&](long b) { return g[at + b] * (x[at + b] - m) * s; });
    }
  for (long o = 0; o < outer; o++)
    for (long c = 0; c < channels; c++) {
      const long at = (o * channels + c) * inner;
      const double m = stats[c], s = 1 / std::sqrt((double)stats[channels + c] + eps);
      const double meanG = sumG[c] / count, meanGY = sumGY[c] / count;
      for (long b = 0; b < inner; b++)
        gx[at + b] = (float)(s * (g[at + b] - meanG - (x[at + b] - m) * s * meanGY));
    }
}

// ---------------------------------------------------------------------------
// Node-API glue. Arguments are checked for type and bounds so that a bug in
// the caller throws instead of corrupting memory.

static napi_value fail(napi_env env, const char* message) {
  napi_throw_error(env, "LECTERN_NATIVE", message);
  return nullptr;
}

static bool getFloats(napi_env env, napi_value v, float** data, size_t* length) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) return false;
  napi_typedarray_type type;
  void* raw;
  napi_get_typedarray_info(env, v, &type, length, &raw, nullptr, nullptr);
  *data = (float*)raw;
  return type == napi_float32_array;
}

static bool getLong(napi_env env, napi_value v, long* out) {
  int64_t x;
  if (napi_get_value_int64(env, v, &x) != napi_ok) return false;
  *out = (long)x;
  return true;
}

/** Largest element index a strided rows x cols view starting at offset reaches (-1 if empty). */
static long lastIndex(long offset, long rows, long rs, long cols, long cs) {
  if (rows == 0 || cols == 0) return -1;
  return offset + (rows - 1) * rs + (cols - 1) * cs;
}

// gemm(m, n, k, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride,
//      bColStride, c, cOffset, ldc, accumulate)
static napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 15;
  napi_value argv[15];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 15) return fail(env, "gemm: expected 15 arguments");
  long m, n, k, ao, ars, acs, bo, brs, bcs, co, ldc;
  float *a, *b, *c;
  size_t al, bl, cl;
  bool accumulate = false;
  if (!getLong(env, argv[0], &m) || !getLong(env, argv[1], &n) || !getLong(env, argv[2], &k) ||
      !getFloats(env, argv[3], &a, &al) || !getLong(env, argv[4], &ao) ||
      !getLong(env, argv[5], &ars) || !getLong(env, argv[6], &acs) ||
      !getFloats(env, argv[7], &b, &bl) || !getLong(env, argv[8], &bo) ||
      !getLong(env, argv[9], &brs) || !getLong(env, argv[10], &bcs) ||
      !getFloats(env, argv[11], &c, &cl) || !getLong(env, argv[12], &co) ||
      !getLong(env, argv[13], &ldc) || napi_get_value_bool(env, argv[14], &accumulate) != napi_ok)
    return fail(env, "gemm: bad argument types");
  if (m < 0 || n < 0 || k < 0 || ao < 0 || bo < 0 || co < 0 || ars < 0 || acs < 0 || brs < 0 ||
      bcs < 0 || ldc < n)
    return fail(env, "gemm: negative size, offset or stride");
  if (lastIndex(ao, m, ars, k, acs) >= (long)al || lastIndex(bo, k, brs, n, bcs) >= (long)bl ||
      lastIndex(co, m, ldc, n, 1) >= (long)cl)
    return fail(env, "gemm: operand out of bounds");
  gemm({a + ao, ars, acs, b + bo, brs, bcs, c + co, ldc, m, n, k, accumulate});
  return nullptr;
}

static int64_t volume3(const int32_t* s) { return (int64_t)s[0] * s[1] * s[2]; }

// windowTransfer(image, imageOffset, cols, colsOffset, colsRowStride, channels,
//                geometry Int32Array(18), toColumns)
static napi_value WindowTransfer(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 8) return fail(env, "windowTransfer: expected 8 arguments");
  float *image, *cols;
  size_t il, cl, gl;
  long io, co, ld, channels;
  bool toColumns = false;
  bool isArray = false;
  napi_typedarray_type gtype;
  void* graw = nullptr;
  napi_is_typedarray(env, argv[6], &isArray);
  if (isArray) napi_get_typedarray_info(env, argv[6], &gtype, &gl, &graw, nullptr, nullptr);
  if (!getFloats(env, argv[0], &image, &il) || !getLong(env, argv[1], &io) ||
      !getFloats(env, argv[2], &cols, &cl) || !getLong(env, argv[3], &co) ||
      !getLong(env, argv[4], &ld) || !getLong(env, argv[5], &channels) || !isArray ||
      gtype != napi_int32_array || gl != 18 ||
      napi_get_value_bool(env, argv[7], &toColumns) != napi_ok)
    return fail(env, "windowTransfer: bad argument types");
  const int32_t* geo = (const int32_t*)graw;
  for (int i = 0; i < 18; i++)
    if (geo[i] < 0 || (i >= 9 && i < 12 && geo[i] == 0)) return fail(env, "windowTransfer: bad geometry");
  const int64_t rows = channels * volume3(geo + 6), positions = volume3(geo + 3);
  if (io < 0 || co < 0 || channels < 0 || ld < positions ||
      io + channels * volume3(geo) > (int64_t)il ||
      (rows > 0 && positions > 0 && co + (rows - 1) * ld + positions > (int64_t)cl))
    return fail(env, "windowTransfer: operand out of bounds");
  windowTransfer(image + io, cols + co, ld, channels, geo, toColumns);
  return nullptr;
}

static bool getArray(napi_env env, napi_value v, uint8_t** data, size_t* length, size_t* item,
                     napi_typedarray_type* type) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) return false;
  void* raw;
  napi_get_typedarray_info(env, v, type, length, &raw, nullptr, nullptr);
  *data = (uint8_t*)raw;
  *item = *type == napi_float32_array || *type == napi_int32_array ? 4 : 1;
  return *type == napi_float32_array || *type == napi_uint8_array;
}

// elementwise(op, shape Int32Array, out, [inputs], offsets Int32Array, strides Int32Array)
static napi_value Elementwise(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t op;
  if (argc != 6 || napi_get_value_int32(env, argv[0], &op) != napi_ok || op < 0 || op >= kOpCount)
    return fail(env, "elementwise: bad op");
  const int nin = arity(op);
  napi_typedarray_type type;
  size_t len;
  void* raw;
  bool is = false;
  napi_is_typedarray(env, argv[1], &is);
  if (!is) return fail(env, "elementwise: bad shape");
  napi_get_typedarray_info(env, argv[1], &type, &len, &raw, nullptr, nullptr);
  if (type != napi_int32_array || len > 16) return fail(env, "elementwise: bad shape");
  const int nd = (int)len;
  long shape[16];
  long size = 1;
  for (int d = 0; d < nd; d++) {
    shape[d] = ((const int32_t*)raw)[d];
    if (shape[d] < 0) return fail(env, "elementwise: bad shape");
    size *= shape[d];
  }
  uint8_t* out;
  size_t outLen, outItem;
  napi_typedarray_type outType;
  if (!getArray(env, argv[2], &out, &outLen, &outItem, &outType) || (long)outLen < size ||
      (outType == napi_uint8_array) != (op >= kEq && op <= kGe))
    return fail(env, "elementwise: bad output");
  const int32_t *offsets, *strides32;
  napi_is_typedarray(env, argv[4], &is);
  if (!is) return fail(env, "elementwise: bad offsets");
  napi_get_typedarray_info(env, argv[4], &type, &len, &raw, nullptr, nullptr);
  if (type != napi_int32_array || (int)len != nin) return fail(env, "elementwise: bad offsets");
  offsets = (const int32_t*)raw;
  napi_is_typedarray(env, argv[5], &is);
  if (!is) return fail(env, "elementwise: bad strides");
  napi_get_typedarray_info(env, argv[5], &type, &len, &raw, nullptr, nullptr);
  if (type != napi_int32_array || (int)len != nin * nd) return fail(env, "elementwise: bad strides");
  strides32 = (const int32_t*)raw;
  long strides[48];
  const uint8_t* base[3];
  size_t items[3];
  for (int i = 0; i < nin; i++) {
    napi_value v;
    napi_get_element(env, argv[3], i, &v);
    uint8_t* data;
    size_t dataLen, dataItem;
    napi_typedarray_type dataType;
    if (!getArray(env, v, &data, &dataLen, &dataItem, &dataType) ||
        (dataType == napi_uint8_array) != (op == kWhere && i == 0))
      return fail(env, "elementwise: bad input");
    long last = offsets[i];
    for (int d = 0; d < nd; d++) {
      strides[i * nd + d] = strides32[i * nd + d];
      if (strides[i * nd + d] < 0) return fail(env, "elementwise: bad strides");
      if (shape[d] > 0) last += (shape[d] - 1) * strides[i * nd + d];
    }
    if (offsets[i] < 0 || (size > 0 && last >= (long)dataLen))
      return fail(env, "elementwise: input out of bounds");
    base[i] = data + (size_t)offsets[i] * dataItem;
    items[i] = dataItem;
  }
  if (size > 0) elementwise(op, nd, shape, out, outItem, base, items, strides);
  return nullptr;
}

static const int32_t* getInts(napi_env env, napi_value v, size_t* length) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) return nullptr;
  napi_typedarray_type type;
  void* raw;
  napi_get_typedarray_info(env, v, &type, length, &raw, nullptr, nullptr);
  return type == napi_int32_array ? (const int32_t*)raw : nullptr;
}

// softmaxLines(log, src, outer Int32Array, srcStride, len, dst, dStride)
static napi_value SoftmaxLines(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  bool log = false;
  float *src, *dst;
  size_t sl, dl, lines;
  long srcStride, len, dStride;
  const int32_t* outer = argc == 7 ? getInts(env, argv[2], &lines) : nullptr;
  if (argc != 7 || napi_get_value_bool(env, argv[0], &log) != napi_ok ||
      !getFloats(env, argv[1], &src, &sl) || !outer || !getLong(env, argv[3], &srcStride) ||
      !getLong(env, argv[4], &len) || !getFloats(env, argv[5], &dst, &dl) ||
      !getLong(env, argv[6], &dStride) || srcStride < 0 || len < 0 || dStride < 1)
    return fail(env, "softmaxLines: bad arguments");
  if ((long)dl < (long)lines * len) return fail(env, "softmaxLines: output out of bounds");
  for (size_t r = 0; r < lines && len > 0; r++)
    if (outer[r] < 0 || outer[r] + (len - 1) * srcStride >= (long)sl)
      return fail(env, "softmaxLines: input out of bounds");
  softmaxLines(log, src, outer, (long)lines, srcStride, len, dst, dStride);
  return nullptr;
}

// reduceRows(op, src, outer Int32Array, inner Int32Array | null, out, len):
// a null inner means each row is len contiguous elements
static napi_value ReduceRows(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t op;
  float *src, *out;
  size_t sl, ol, rows = 0, len = 0;
  long count = 0;
  napi_valuetype innerType = napi_undefined;
  if (argc == 6) napi_typeof(env, argv[3], &innerType);
  const int32_t* outer = argc == 6 ? getInts(env, argv[2], &rows) : nullptr;
  const int32_t* inner = innerType == napi_object ? getInts(env, argv[3], &len) : nullptr;
  if (argc != 6 || napi_get_value_int32(env, argv[0], &op) != napi_ok || op < kSum || op > kMin ||
      !getFloats(env, argv[1], &src, &sl) || !outer || (innerType == napi_object && !inner) ||
      !getFloats(env, argv[4], &out, &ol) || !getLong(env, argv[5], &count) || count < 1 ||
      (inner && (long)len != count))
    return fail(env, "reduceRows: bad arguments");
  if (ol < rows) return fail(env, "reduceRows: output out of bounds");
  len = count;
  int32_t lo = 0, hi = inner ? 0 : (int32_t)(count - 1);
  for (size_t j = 0; inner && j < len; j++) {
    lo = std::min(lo, inner[j]);
    hi = std::max(hi, inner[j]);
  }
  for (size_t r = 0; r < rows && len > 0; r++)
    if ((long)outer[r] + lo < 0 || (long)outer[r] + hi >= (long)sl)
      return fail(env, "reduceRows: input out of bounds");
  reduceRows(op, src, outer, (long)rows, inner, (long)len, out);
  return nullptr;
}

// norm(kind 0 moments | 1 normalize | 2 backward, outer, channels, inner, eps,
//      out, x, stats?, gradOut?)
static napi_value Norm(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t kind;
  long outer, channels, inner;
  double eps;
  float *out, *x, *stats = nullptr, *g = nullptr;
  size_t ol, xl, sl = 0, gl = 0;
  if (argc < 7 || napi_get_value_int32(env, argv[0], &kind) != napi_ok || kind < 0 || kind > 2 ||
      !getLong(env, argv[1], &outer) || !getLong(env, argv[2], &channels) ||
      !getLong(env, argv[3], &inner) || napi_get_value_double(env, argv[4], &eps) != napi_ok ||
      !getFloats(env, argv[5], &out, &ol) || !getFloats(env, argv[6], &x, &xl) ||
      (kind >= 1 && (argc < 8 || !getFloats(env, argv[7], &stats, &sl))) ||
      (kind == 2 && (argc < 9 || !getFloats(env, argv[8], &g, &gl))) || outer < 0 ||
      channels < 0 || inner < 0)
    return fail(env, "norm: bad arguments");
  const long size = outer * channels * inner;
  if ((long)xl < size || (kind == 0 ? (long)ol < 2 * channels : (long)ol < size) ||
      (kind >= 1 && (long)sl < 2 * channels) || (kind == 2 && (long)gl < size))
    return fail(env, "norm: operand out of bounds");
  if (kind == 0) normMoments(x, outer, channels, inner, out);
  else if (kind == 1) normApply(x, stats, eps, outer, channels, inner, out);
  else normBackward(g, x, stats, eps, outer, channels, inner, out);
  return nullptr;
}

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  long n;
  if (argc != 1 || !getLong(env, argv[0], &n)) return fail(env, "setThreads: expected a number");
  pool().resize((int)n);
  return nullptr;
}

static napi_value GetThreads(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_int32(env, pool().size(), &out);
  return out;
}

static napi_value IsaName(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_string_utf8(env, isa.name, NAPI_AUTO_LENGTH, &out);
  return out;
}

/**
 * Tensors of 32 MB and more are above glibc's largest mmap threshold, so
 * each one is a fresh mmap whose pages fault in (and are zeroed) on first
 * touch: a 16M-element add spent more time faulting than adding. Serving
 * them from the heap reuses freed memory as PyTorch's allocator does;
 * free memory above 512 MB at the heap's top still goes back to the OS.
 * LECTERN_MALLOC=system keeps glibc's defaults.
 */
static void tuneAllocator() {
#if defined(__GLIBC__)
  const char* choice = std::getenv("LECTERN_MALLOC");
  if (choice && std::strcmp(choice, "system") == 0) return;
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
#endif
}

NAPI_MODULE_INIT() {
  static bool tuned = (tuneAllocator(), true);
  (void)tuned;
  napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"elementwise", nullptr, Elementwise, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmaxLines", nullptr, SoftmaxLines, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduceRows", nullptr, ReduceRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"norm", nullptr, Norm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"windowTransfer", nullptr, WindowTransfer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getThreads", nullptr, GetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"isa", nullptr, IsaName, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
