// The AVX-512 dot-product panel of the narrowed-activation bounds
// (narrow_kernels.h's DotPanelArgs) as one template over the instruction, and
// the masked loads the activations' narrowing shares. Read inside
// tflatency::avx512's anonymous namespace by kernels_avx512_vnni.cc and
// kernels_avx512_bf16.cc, each after defining TFLATENCY_DOT_ISA (its target
// string), so each gets its own copy compiled for its own extension. The
// includer has included <immintrin.h>, <array>, <cstring>, <utility>,
// kernels.h and narrow_kernels.h.
//
// The template's D gives the accumulator type Acc (__m512i or __m512), the bytes
// of one narrowed element kBytes, and Start(args, r, v) -> Acc, Step(Acc,
// x_group, w_vector) -> Acc (the instruction) and Finish(args, r, v, Acc).
#ifndef TFLATENCY_DOT_ISA
#error "define TFLATENCY_DOT_ISA before including dot_panel_avx512.h"
#endif

#define TFLATENCY_DOT_TARGET __attribute__((target(TFLATENCY_DOT_ISA)))
#define TFLATENCY_DOT_INLINE __attribute__((always_inline, target(TFLATENCY_DOT_ISA))) inline

TFLATENCY_DOT_INLINE __mmask16 TailMask(int64_t left) {
  return left >= kLanes ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
}

// 16 floats from x, those at or past `left` read as 0 (not read).
TFLATENCY_DOT_INLINE __m512 LoadTail(const float* x, int64_t left) {
  return left >= kLanes ? _mm512_loadu_ps(x) : _mm512_maskz_loadu_ps(TailMask(left), x);
}

// R rows times V vectors of accumulators in registers for all of the call's k; each
// group of DotProductGroup narrowed x (4 bytes) broadcast to every lane, each weight vector
// (16 columns times one group) loaded once and used for every row.
template <class D, int V, int R>
TFLATENCY_DOT_TARGET void DotPanelT(const DotPanelArgs& a) {
  const __m512i* w = static_cast<const __m512i*>(a.w);
  const uint8_t* x = static_cast<const uint8_t*>(a.x);
  const int64_t x_stride = a.x_stride * D::kBytes;
  typename D::Acc acc[R][V];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) acc[r][v] = D::Start(a, r, v);
  }
  for (int64_t g = 0; g < a.groups; ++g) {
    __m512i xg[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) {
      int32_t group;
      std::memcpy(&group, x + r * x_stride + 4 * g, 4);
      xg[r] = _mm512_set1_epi32(group);
    }
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) {
      __m512i wv = _mm512_load_si512(w + v);
      // As kernels_avx512.cc: keep the loaded vector in a register rather than a memory operand per row.
      if (R > 1) __asm__("" : "+v"(wv));
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[r][v] = D::Step(acc[r][v], xg[r], wv);
    }
    w += V;
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) D::Finish(a, r, v, acc[r][v]);
  }
}

using DotFn = void (*)(const DotPanelArgs&);

template <class D, int R, int... I>
constexpr std::array<DotFn, sizeof...(I)> MakeDotTable(std::integer_sequence<int, I...>) {
  return {&DotPanelT<D, I + 1, R>...};
}

template <class D>
void DotDispatch(const DotPanelArgs& a) {
  static constexpr auto k1 = MakeDotTable<D, 1>(std::make_integer_sequence<int, kMaxPanelVectors[0]>());
  static constexpr auto k2 = MakeDotTable<D, 2>(std::make_integer_sequence<int, kMaxPanelVectors[1]>());
  static constexpr auto k3 = MakeDotTable<D, 3>(std::make_integer_sequence<int, kMaxPanelVectors[2]>());
  static constexpr auto k4 = MakeDotTable<D, 4>(std::make_integer_sequence<int, kMaxPanelVectors[3]>());
  static_assert(kMaxPanelRows == 4, "one table per row count");
  const int i = a.vecs - 1;
  (a.rows == 1 ? k1[i] : a.rows == 2 ? k2[i] : a.rows == 3 ? k3[i] : k4[i])(a);
}
