// bound_bench's own flags (see flags.h).
#include "cc/bound/flags.h"

#include <algorithm>

namespace tflatency {

namespace {

constexpr int64_t kMaxWeightBytes = int64_t{4} << 30;  // as python/tflatency/model_config.py's MAX_WEIGHT_BYTES
constexpr int64_t kStandInUnits = 16;                  // 4 gates x 16 units: 64 columns, whole vectors

}  // namespace

RnnShape StreamShapeForBytes(int64_t weight_bytes) {
  RnnShape s;
  s.cell = Cell::kLstm;
  s.layers = 1;
  s.units = kStandInUnits;
  s.time_steps = 1;
  s.batch = 1;
  const int64_t columns = Gates(s.cell) * s.units;
  const int64_t floats = (weight_bytes + 3) / 4;
  s.input_size = std::max<int64_t>(1, (floats + columns - 1) / columns - 1);  // rows of K, plus the bias row
  return s;
}

void BoundFlags::AddTo(FlagParser* parser) {
  shape_.AddTo(parser, "bazel run //cc:bound_bench passes the benchmarked model's", "weight_bytes");
  parser->AddPositiveInt("weight_bytes", &weight_bytes_, kMaxWeightBytes, "N",
                         "any model: its weight bytes, streamed once (instead of an RNN's shape)");
  parser->AddPositiveInt("fma_count", &fma_count_, int64_t{1} << 60, "N",
                         "any model: its multiply-accumulates per inference (with --weight_bytes)");
  parser->AddChoice("isa", &isa_, {"avx512", "avx2", "scalar"},
                    "the kernels' instruction set (default: the widest this CPU supports)");
}

std::string BoundFlags::ToConfig(BoundConfig* config) const {
  BoundConfig c;
  if (weight_bytes_ > 0) {
    c.any_model = true;
    c.shape = StreamShapeForBytes(weight_bytes_);
    c.fma_count = fma_count_;
  } else {
    if (fma_count_ > 0) return "--fma_count needs --weight_bytes (an RNN's count comes from its shape)";
    const std::string error = shape_.ToShape(&c.shape);
    if (!error.empty()) return error;
  }
  c.isa = BestIsa();
  if (!isa_.empty()) {
    IsaFromName(isa_, &c.isa);  // the parser has checked the name
    if (!CpuSupports(c.isa)) {
      return "--isa=" + isa_ + ": this CPU does not support it (widest here: " + IsaName(BestIsa()) + ")";
    }
    c.isa_forced = true;
  }
  *config = c;
  return "";
}

}  // namespace tflatency
