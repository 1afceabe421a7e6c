// bound_bench's own flags (see flags.h).
#include "cc/bound/flags.h"

namespace tflatency {

void BoundFlags::AddTo(FlagParser* parser) {
  shape_.AddTo(parser, "bazel run //cc:bound_bench passes the benchmarked model's");
  parser->AddChoice("isa", &isa_, {"avx512", "avx2", "scalar"},
                    "the kernels' instruction set (default: the widest this CPU supports)");
}

std::string BoundFlags::ToConfig(BoundConfig* config) const {
  BoundConfig c;
  const std::string error = shape_.ToShape(&c.shape);
  if (!error.empty()) return error;
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
