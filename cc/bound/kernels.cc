// Run-time dispatch from an Isa to its kernels (declared in kernels.h).
#include "cc/bound/kernels.h"

namespace tflatency {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

int Lanes(Isa isa) {
  switch (isa) {
    case Isa::kAvx512: return avx512::kLanes;
    case Isa::kAvx2: return avx2::kLanes;
    default: return scalar::kLanes;
  }
}

int MaxPanelVectors(Isa isa, int rows) {
  switch (isa) {
    case Isa::kAvx512: return avx512::kMaxPanelVectors[rows - 1];
    case Isa::kAvx2: return avx2::kMaxPanelVectors[rows - 1];
    default: return scalar::kMaxPanelVectors[rows - 1];
  }
}

PanelFn PanelKernel(Isa isa) {
  switch (isa) {
    case Isa::kAvx512: return &avx512::Panel;
    case Isa::kAvx2: return &avx2::Panel;
    default: return &scalar::Panel;
  }
}

float FmaPeak(Isa isa, int64_t fmas, float m, float c) {
  const int64_t rounds = CeilDiv(fmas, int64_t{kPeakAccumulators} * Lanes(isa));
  switch (isa) {
    case Isa::kAvx512: return avx512::FmaPeak(rounds, m, c);
    case Isa::kAvx2: return avx2::FmaPeak(rounds, m, c);
    default: return scalar::FmaPeak(rounds, m, c);
  }
}

float OriginalFmaLoop(int64_t fmas, float m, float c) {
  return avx2::OriginalFmaLoop(CeilDiv(fmas, int64_t{kOriginalAccumulators} * avx2::kLanes), m, c);
}

}  // namespace tflatency
