// A hand-written kernel for one unbatched inference of a stacked LSTM or GRU
// exported by //python:export_model (same math as python/tflatency/rnn_model.py),
// with fp32 weights or, narrowed once at load, bf16 / int8 ones (optionally with
// x and h narrowed too, for AVX-512's dot-product instructions: `precision`,
// `narrow_activations`). Weights are packed at load time into the streaming layout of rnn_plan.h;
// Run() then does one inference with no allocation, on the ISA path chosen at
// run time (AVX-512, AVX2 or portable scalar; forcible through `isa`), on one
// core by default or split across `threads` cores (each streams its share of
// the weights from its own L2; they meet at a spin barrier after every step).
//
//   std::string error;
//   auto rnn = tflatency::HandRnn::Load("model/model", {}, &error);
//   if (!rnn) { fprintf(stderr, "%s\n", error.c_str()); ... }
//   rnn->Run(input, output);  // input [batch][T][D], output [batch][T][H]
#ifndef TFLATENCY_CC_HAND_RNN_H_
#define TFLATENCY_CC_HAND_RNN_H_

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cc/common/isa.h"
#include "cc/common/spin_team.h"
#include "cc/hand/model.h"
#include "cc/common/precision.h"
#include "cc/hand/rnn_plan.h"

namespace tflatency {

// bf16 or int8 weights: whether the products narrow the activations (x and h) to the weights'
// precision too (rnn_plan.h). Narrowed activations are avx512 only (isa "auto" means avx512 then).
enum class NarrowActivations {
  kNone,      // x and h stay fp32, the narrowed weights are widened (every ISA)
  kNative,    // x and h narrowed: int8 with AVX512_VNNI's vpdpbusd, bf16 with AVX512_BF16's vdpbf16ps
              // (refused where the CPU lacks that extension)
  kEmulated,  // the same arithmetic in plain AVX-512F (int8: identical results), for tests
};

struct HandRnnOptions {
  std::optional<Isa> isa;  // none ("auto"): the widest this CPU supports
  int threads = 1;  // cores one inference is split across (1: this thread only; capped at the unit blocks)
  // The model's initial state is zero, so step 0's recurrent product h_{-1} * R
  // is exactly zero and the kernel skips it (TensorFlow's runtime computes it;
  // XLA AOT folds it away, the weights being constants there). true: compute
  // it anyway, to show what skipping saves.
  bool full_first_step = false;
  // Weights as streamed: fp32, or bf16 / int8 (per-column scales) packed once
  // here, with fp32 accumulation (cc/common/precision.h), on every ISA.
  WeightPrecision precision = WeightPrecision::kFp32;
  NarrowActivations narrow_activations = NarrowActivations::kNone;
};

class HandRnn {
 public:
  // From the files of an exported model (prefix ".../rnn_547k", or its
  // _info.json): reads the config and <prefix>_weights.bin. Null on failure,
  // with *error set to one line naming the file (missing, wrong size,
  // non-finite value, bad config) or the ISA this CPU lacks.
  static std::unique_ptr<HandRnn> Load(const std::string& prefix, const HandRnnOptions& options,
                                       std::string* error);
  // From a config and the weights in the file layout (per layer: kernel
  // [D][G*H], recurrent_kernel [H][G*H], bias [G*H], GRU recurrent_bias [G*H]).
  static std::unique_ptr<HandRnn> Create(const HandModelConfig& config, const std::vector<float>& weights,
                                         const HandRnnOptions& options, std::string* error);
  ~HandRnn();

  // One inference: input [batch][time_steps][input_size] -> output
  // [batch][time_steps][units] (the top layer's h at every step). No
  // allocation; not reentrant (uses the object's scratch).
  void Run(const float* input, float* output);

  const HandModelConfig& config() const { return config_; }
  Isa isa() const { return isa_; }
  WeightPrecision precision() const { return plan_.precision; }
  int threads() const { return plan_.workers; }
  bool full_first_step() const { return !plan_.skip_zero_state_product; }
  NarrowActivations narrow_activations() const { return narrow_activations_; }
  int64_t fma_count() const { return FmaCount(config_); }
  // fp32 parameters of the model as exported.
  int64_t weight_bytes() const { return WeightBytes(config_); }
  // Bytes of packed weights one Run reads, all threads together (padding
  // included): per layer K once per projection pass and R once per time step
  // (but step 0 unless full_first_step), times batch.
  int64_t streamed_bytes() const { return streamed_bytes_; }
  int64_t packed_bytes() const { return packed_floats_ * 4; }
  // The largest |got - golden| a path of this precision may have (fp32: the config's atol/rtol apply).
  double max_abs_error_allowed() const { return config_.reduced_precision_atol; }

 private:
  struct FreeDeleter {
    void operator()(float* p) const { std::free(p); }
  };
  using Buffer = std::unique_ptr<float[], FreeDeleter>;
  struct FreeDeleter8 {
    void operator()(uint8_t* p) const { std::free(p); }
  };

  HandRnn() = default;
  void Pack(const std::vector<float>& weights);
  static void TeamWork(void* self, int worker);

  HandModelConfig config_;
  Isa isa_ = Isa::kScalar;
  hand::RunFn run_ = nullptr;
  hand::Plan plan_{};
  hand::Workspace workspace_{};
  std::vector<hand::PackedSlice> slices_;  // [layers][workers]
  std::unique_ptr<SpinTeam> team_;         // null with one thread
  const float* team_input_ = nullptr;      // the current Run's, for the helpers
  float* team_output_ = nullptr;
  void Narrow();
  void PackNarrowActivations();
  NarrowActivations narrow_activations_ = NarrowActivations::kNone;

  Buffer packed_, scratch_, scales_;
  std::unique_ptr<uint8_t[], FreeDeleter8> narrow_;  // reduced precision: the panels narrowed
  // Narrowed activations: K and R re-laid out for the dot products, int8's column offsets (int32),
  // the workers' narrowed x and h rows, and their scales.
  std::unique_ptr<uint8_t[], FreeDeleter8> pairs_, offsets_, act_;
  Buffer act_scales_;
  int64_t packed_floats_ = 0;
  int64_t streamed_bytes_ = 0;
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_HAND_RNN_H_
