// The hand-written kernel's 16-lane AVX-512 vector type for rnn_kernel_impl.h,
// shared by rnn_avx512.cc, rnn_avx512_vnni.cc and rnn_avx512_bf16.cc. The including file first
// defines HAND_V_INLINE (static inline, always_inline, with its own target
// attribute) and includes it inside its anonymous namespace, so each file gets
// its own copy compiled for its own target; each then derives its V with what
// differs: DotU8S8 (vpdpbusd) and DotBf16 (vdpbf16ps), native or emulated.
// The includer has included <immintrin.h>, <cstdint> and <cstring> (this file is read inside a namespace).
#ifndef HAND_V_INLINE
#error "define HAND_V_INLINE before including rnn_v512.h"
#endif

struct V512Base {
  using R = __m512;
  static constexpr int kLanes = 16;
  static constexpr int kUnitVecs = 2;   // LSTM: 8 accumulators per panel, 32 units
  static constexpr int kProjVecs = 8;
  static constexpr int kProjRows = 3;   // 3 x 8 accumulators + 3 broadcasts < 32 zmm

  using I = __m512i;  // narrowed activations: 32-bit lanes of bytes / int32 sums
  HAND_V_INLINE R Load(const float* p) { return _mm512_loadu_ps(p); }
  HAND_V_INLINE R LoadW(const float* p) { return Load(p); }
  // bf16 bits -> fp32: zero-extend to 32 bits and shift into the upper half (exact).
  HAND_V_INLINE R LoadW(const uint16_t* p) {
    const __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
  }
  // int8 -> int32 -> fp32 (exact); the column scale is applied to the sum.
  HAND_V_INLINE R LoadW(const int8_t* p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
  }
  HAND_V_INLINE void Store(float* p, R v) { _mm512_storeu_ps(p, v); }
  HAND_V_INLINE R Set1(float x) { return _mm512_set1_ps(x); }
  HAND_V_INLINE R Zero() { return _mm512_setzero_ps(); }
  HAND_V_INLINE R Add(R a, R b) { return _mm512_add_ps(a, b); }
  HAND_V_INLINE R Sub(R a, R b) { return _mm512_sub_ps(a, b); }
  HAND_V_INLINE R Mul(R a, R b) { return _mm512_mul_ps(a, b); }
  HAND_V_INLINE R Fmadd(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
  HAND_V_INLINE R Div(R a, R b) { return _mm512_div_ps(a, b); }
  // e^x, Cephes expf: n = round(x log2 e), r = x - n ln 2 (two-part), degree-6
  // polynomial, scaled by 2^n; inputs clamped to [-87, 88] (no inf, no denormals).
  HAND_V_INLINE R Exp(R x) {
    x = _mm512_min_ps(_mm512_max_ps(x, Set1(-87.0f)), Set1(88.0f));
    const R n = _mm512_roundscale_ps(Mul(x, Set1(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    R r = _mm512_fnmadd_ps(n, Set1(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, Set1(-2.12194440e-4f), r);
    R p = Set1(1.9875691500e-4f);
    p = Fmadd(p, r, Set1(1.3981999507e-3f));
    p = Fmadd(p, r, Set1(8.3334519073e-3f));
    p = Fmadd(p, r, Set1(4.1665795894e-2f));
    p = Fmadd(p, r, Set1(1.6666665459e-1f));
    p = Fmadd(p, r, Set1(5.0000001201e-1f));
    const R y = Fmadd(p, Mul(r, r), Add(r, Set1(1.0f)));
    return _mm512_scalef_ps(y, n);
  }

  // Narrowed activations (rnn_plan.h): n floats of x -> out, 16 lanes at a time (the tail
  // masked: lanes past n narrow 0), so out must hold n rounded up to 16 values.
  HAND_V_INLINE R LoadTail(const float* x, int64_t left) {
    return left >= kLanes ? Load(x) : _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << left) - 1), x);
  }
  // int8: q = round(x / s) + 128 (ties to even) with s = max |x| / 127; returns s (0 for a zero row).
  HAND_V_INLINE float NarrowInt8(const float* x, int64_t n, uint8_t* out) {
    R top = Zero();
    for (int64_t i = 0; i < n; i += kLanes) top = _mm512_max_ps(top, _mm512_abs_ps(LoadTail(x + i, n - i)));
    const float max = _mm512_reduce_max_ps(top);
    const R inv = Set1(max > 0 ? 127.0f / max : 0.0f);
    for (int64_t i = 0; i < n; i += kLanes) {
      __m512i q = _mm512_cvtps_epi32(Mul(LoadTail(x + i, n - i), inv));
      q = _mm512_min_epi32(_mm512_max_epi32(q, _mm512_set1_epi32(-127)), _mm512_set1_epi32(127));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(_mm512_add_epi32(q, _mm512_set1_epi32(128))));
    }
    return max / 127.0f;
  }
  // int8, second digit: q = round((x - s (hi - 128)) / s_lo) + 128 with s_lo = s / 254, for the
  // row hi that NarrowInt8 wrote with scale s; returns s_lo.
  HAND_V_INLINE float NarrowInt8Remainder(const float* x, int64_t n, const uint8_t* hi, float s, uint8_t* out) {
    const R scale = Set1(s), inv = Set1(s > 0 ? 254.0f / s : 0.0f);
    for (int64_t i = 0; i < n; i += kLanes) {
      const __m512i first = _mm512_sub_epi32(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(hi + i))),
                                             _mm512_set1_epi32(128));
      const R remainder = _mm512_fnmadd_ps(scale, _mm512_cvtepi32_ps(first), LoadTail(x + i, n - i));
      __m512i q = _mm512_cvtps_epi32(Mul(remainder, inv));
      q = _mm512_min_epi32(_mm512_max_epi32(q, _mm512_set1_epi32(-127)), _mm512_set1_epi32(127));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(_mm512_add_epi32(q, _mm512_set1_epi32(128))));
    }
    return s / 254.0f;
  }
  // bf16: the upper 16 bits rounded to nearest even (Bf16Bits for finite x); returns 1.
  HAND_V_INLINE float NarrowBf16(const float* x, int64_t n, uint8_t* out) {
    for (int64_t i = 0; i < n; i += kLanes) {
      const __m512i bits = _mm512_castps_si512(LoadTail(x + i, n - i));
      const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
      const __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(odd, _mm512_set1_epi32(0x7FFF)));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2 * i), _mm512_cvtepi32_epi16(_mm512_srli_epi32(rounded, 16)));
    }
    return 1.0f;
  }
  HAND_V_INLINE I IZero() { return _mm512_setzero_si512(); }
  HAND_V_INLINE I Broadcast4(const uint8_t* p) {
    int32_t four;
    std::memcpy(&four, p, 4);
    return _mm512_set1_epi32(four);
  }
  HAND_V_INLINE I LoadI(const void* p) { return _mm512_loadu_si512(p); }
  HAND_V_INLINE R ISubToFloat(I a, const int32_t* p) {
    return _mm512_cvtepi32_ps(_mm512_sub_epi32(a, _mm512_loadu_si512(p)));
  }
};
