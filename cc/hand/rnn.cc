// Loading and packing of the hand-written kernel (see rnn.h); the layout
// is described in rnn_plan.h, the hot loops live in rnn_kernel_impl.h.
#include "cc/hand/rnn.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tflatency {
namespace {

constexpr int64_t kAlignFloats = 16;  // 64 bytes
constexpr int kMaxThreads = 64;

int64_t RoundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

bool SelectIsa(Isa isa, hand::Geometry* geometry, hand::RunFn* run) {
  switch (isa) {
    case Isa::kAvx512:
      *geometry = hand::Avx512Geometry();
      *run = hand::RunAvx512;
      return true;
    case Isa::kAvx2:
      *geometry = hand::Avx2Geometry();
      *run = hand::RunAvx2;
      return true;
    case Isa::kScalar:
      *geometry = hand::ScalarGeometry();
      *run = hand::RunScalar;
      return true;
    default: return false;
  }
}

}  // namespace

std::unique_ptr<HandRnn> HandRnn::Load(const std::string& prefix, const HandRnnOptions& options,
                                       std::string* error) {
  const HandModelFiles files = HandFilesFromPrefix(prefix);
  HandModelConfig config;
  *error = LoadHandModelConfig(files.info(), &config);
  if (!error->empty()) return nullptr;
  std::vector<float> weights;
  *error = ReadFloatFile(files.weights(), WeightFloats(config), &weights);
  if (!error->empty()) return nullptr;
  return Create(config, weights, options, error);
}

std::unique_ptr<HandRnn> HandRnn::Create(const HandModelConfig& config, const std::vector<float>& weights,
                                         const HandRnnOptions& options, std::string* error) {
  *error = CheckHandConfig(config);
  if (!error->empty()) return nullptr;
  if (static_cast<int64_t>(weights.size()) != WeightFloats(config)) {
    *error = "config '" + config.name + "': " + std::to_string(weights.size()) + " weights given, expected " +
             std::to_string(WeightFloats(config));
    return nullptr;
  }
  if (options.threads < 1 || options.threads > kMaxThreads) {
    *error = "threads must be in [1, " + std::to_string(kMaxThreads) + "], got " + std::to_string(options.threads);
    return nullptr;
  }
  const bool narrow_activations = options.narrow_activations != NarrowActivations::kNone;
  const Isa isa = options.isa.value_or(narrow_activations ? Isa::kAvx512 : BestIsa());  // their only path
  *error = UnsupportedReason(isa);
  if (!error->empty()) return nullptr;
  if (narrow_activations && (options.precision == WeightPrecision::kFp32 || isa != Isa::kAvx512)) {
    *error = "narrowed activations need bf16 or int8 weights on the avx512 path";
    return nullptr;
  }
  const IsaExtension extension = DotProductExtension(options.precision);
  if (options.narrow_activations == NarrowActivations::kNative) {
    *error = UnsupportedReason(extension);
    if (!error->empty()) return nullptr;
  }
  if (options.precision != WeightPrecision::kFp32 && !(config.reduced_precision_atol >= 0)) {
    *error = "config '" + config.name + "': no reduced_precision_atol in its info.json (re-export the model): " +
             PrecisionName(options.precision) + " weights need the tolerance of their golden check";
    return nullptr;
  }
  std::unique_ptr<HandRnn> rnn(new HandRnn());
  rnn->config_ = config;
  rnn->isa_ = isa;
  if (!SelectIsa(isa, &rnn->plan_.geometry, &rnn->run_)) {
    *error = std::string("no kernel for ISA ") + IsaName(isa);
    return nullptr;
  }
  rnn->plan_.workers = options.threads;
  rnn->plan_.skip_zero_state_product = !options.full_first_step;
  rnn->plan_.precision = options.precision;
  rnn->plan_.narrow_activations = narrow_activations;
  rnn->narrow_activations_ = options.narrow_activations;
  if (options.narrow_activations == NarrowActivations::kNative) {
    rnn->run_ = extension == IsaExtension::kAvx512Vnni ? hand::RunAvx512Vnni : hand::RunAvx512Bf16;
  }
  rnn->Pack(weights);
  if (!rnn->packed_ || !rnn->scratch_ ||
      (options.precision != WeightPrecision::kFp32 && !rnn->narrow_) ||
      (options.precision == WeightPrecision::kInt8 && !rnn->scales_) ||
      (narrow_activations && (!rnn->pairs_ || !rnn->offsets_ || !rnn->act_ || !rnn->act_scales_))) {
    *error = "config '" + config.name + "': out of memory packing the weights";
    return nullptr;
  }
  if (rnn->plan_.workers > 1) {
    rnn->team_.reset(new SpinTeam(rnn->plan_.workers, {}));  // unpinned: a library leaves placement to the OS
    rnn->plan_.barrier = hand::Barrier{&SpinTeam::BarrierThunk, rnn->team_.get()};
  }
  error->clear();
  return rnn;
}

HandRnn::~HandRnn() { team_.reset(); }  // joins the helpers before the buffers go

void HandRnn::Run(const float* input, float* output) {
  if (!team_) {
    run_(plan_, workspace_, 0, input, output);
    return;
  }
  team_input_ = input;
  team_output_ = output;
  team_->Run(&HandRnn::TeamWork, this);
}

void HandRnn::TeamWork(void* self, int worker) {
  HandRnn* rnn = static_cast<HandRnn*>(self);
  rnn->run_(rnn->plan_, rnn->workspace_, worker, rnn->team_input_, rnn->team_output_);
}

void HandRnn::Pack(const std::vector<float>& fp32_weights) {
  const HandModelConfig& c = config_;
  const WeightPrecision precision = plan_.precision;
  const bool int8 = precision == WeightPrecision::kInt8;
  // Reduced precision: K and R rounded to bf16, or to int8 values (as floats) with their per-column
  // scales, in the file layout; the fp32 packing below then lays them out and Narrow() narrows them.
  std::vector<float> weights = fp32_weights;
  std::vector<std::vector<float>> k_scales(c.layers), r_scales(c.layers);
  {
    const int64_t GH = Gates(c.cell) * c.units;
    float* w = weights.data();
    for (int64_t l = 0; l < c.layers; ++l) {
      const int64_t d = LayerInputSize(c, l);
      float* kernel = w;
      float* recurrent = kernel + d * GH;
      if (precision == WeightPrecision::kBf16) {
        for (float* x = kernel; x < recurrent + c.units * GH; ++x) *x = RoundToBf16(*x);
      } else if (int8) {
        k_scales[l].resize(GH);
        r_scales[l].resize(GH);
        QuantizeColumnsInt8(kernel, d, GH, GH, nullptr, kernel, k_scales[l].data());
        QuantizeColumnsInt8(recurrent, c.units, GH, GH, nullptr, recurrent, r_scales[l].data());
      }
      w = recurrent + c.units * GH + GH * (c.cell == Cell::kGru ? 2 : 1);
    }
  }
  const hand::Geometry geo = plan_.geometry;
  const int64_t G = Gates(c.cell), H = c.units, L = geo.lanes;
  const int64_t U = static_cast<int64_t>(geo.unit_vecs) * L;  // units per recurrent panel (block)
  const int64_t Hp = RoundUp(H, U);
  const int64_t blocks = Hp / U;
  const int64_t cols = G * Hp;
  const int64_t block_cols = G * U;
  const int64_t proj_width = static_cast<int64_t>(geo.proj_vecs) * L;
  const bool gru = c.cell == Cell::kGru;
  // More workers than unit blocks would leave some idle: use at most `blocks`.
  const int workers = static_cast<int>(std::min<int64_t>(plan_.workers, blocks));
  plan_.workers = workers;

  // Offsets (floats) of every array, each starting on 64 bytes: per layer the
  // shared biases, then per worker its K and R panels (so each worker's
  // stream is contiguous).
  struct Offsets {
    int64_t k_bias, r_bias_n;
    std::vector<int64_t> k, r;
  };
  auto block_begin = [&](int w) { return blocks * w / workers; };
  int64_t total = 0;
  std::vector<Offsets> offsets(c.layers);
  for (int64_t l = 0; l < c.layers; ++l) {
    const int64_t d = LayerInputSize(c, l);
    offsets[l].k_bias = total;
    total += RoundUp(cols, kAlignFloats);
    offsets[l].r_bias_n = total;
    total += gru ? RoundUp(Hp, kAlignFloats) : 0;
    for (int w = 0; w < workers; ++w) {
      const int64_t slice_cols = (block_begin(w + 1) - block_begin(w)) * block_cols;
      offsets[l].k.push_back(total);
      total += RoundUp(d * slice_cols, kAlignFloats);
      offsets[l].r.push_back(total);
      total += RoundUp(H * slice_cols, kAlignFloats);
    }
  }
  packed_floats_ = total;
  packed_.reset(static_cast<float*>(std::aligned_alloc(64, static_cast<size_t>(total) * 4)));
  const int64_t T = c.time_steps;
  const int64_t scratch_floats = RoundUp(T * cols, kAlignFloats) + 2 * RoundUp(T * Hp, kAlignFloats) +
                                 2 * RoundUp(Hp, kAlignFloats);
  scratch_.reset(static_cast<float*>(std::aligned_alloc(64, static_cast<size_t>(scratch_floats) * 4)));
  if (!packed_ || !scratch_) return;
  float* p = packed_.get();
  std::memset(p, 0, static_cast<size_t>(total) * 4);
  std::memset(scratch_.get(), 0, static_cast<size_t>(scratch_floats) * 4);

  // int8: per layer k_scale, r_scale, r_inv_scale, [cols] each in permuted column order (padding: 1).
  const int64_t scale_stride = RoundUp(cols, kAlignFloats);
  if (int8) {
    const int64_t n = 3 * scale_stride * c.layers;
    scales_.reset(static_cast<float*>(std::aligned_alloc(64, static_cast<size_t>(n) * 4)));
    if (!scales_) return;
    std::fill(scales_.get(), scales_.get() + n, 1.0f);
  }

  slices_.resize(c.layers * workers);
  const float* src = weights.data();
  const int64_t passes = (T + geo.proj_rows - 1) / geo.proj_rows;
  streamed_bytes_ = 0;
  for (int64_t l = 0; l < c.layers; ++l) {
    const int64_t d = LayerInputSize(c, l);
    const float* kernel = src;
    const float* recurrent = kernel + d * G * H;
    const float* bias = recurrent + H * G * H;
    const float* recurrent_bias = gru ? bias + G * H : nullptr;
    src = bias + G * H * (gru ? 2 : 1);
    float* k_bias = p + offsets[l].k_bias;
    float* r_bias_n = gru ? p + offsets[l].r_bias_n : nullptr;
    float* k_scale = int8 ? scales_.get() + 3 * scale_stride * l : nullptr;
    float* r_scale = int8 ? k_scale + scale_stride : nullptr;
    float* r_inv_scale = int8 ? r_scale + scale_stride : nullptr;

    for (int w = 0; w < workers; ++w) {
      const int64_t b0 = block_begin(w), b1 = block_begin(w + 1);
      const int64_t col_begin = b0 * block_cols, col_end = b1 * block_cols;
      float* k = p + offsets[l].k[w];
      float* r = p + offsets[l].r[w];
      for (int64_t g = 0; g < G; ++g) {
        for (int64_t u = b0 * U; u < std::min(b1 * U, H); ++u) {
          const int64_t orig = g * H + u;
          const int64_t block = u / U;
          const int64_t pc = block * block_cols + g * U + u % U;  // permuted column
          // K: panels of proj_width of this slice's columns, each [d][width].
          const int64_t col0 = col_begin + (pc - col_begin) / proj_width * proj_width;
          const int64_t width = std::min(proj_width, col_end - col0);
          float* k_panel = k + (col0 - col_begin) * d;
          for (int64_t row = 0; row < d; ++row) k_panel[row * width + (pc - col0)] = kernel[row * G * H + orig];
          // R: one panel per block of U units, each [H][G*U].
          float* r_panel = r + (block - b0) * H * block_cols;
          for (int64_t row = 0; row < H; ++row) {
            r_panel[row * block_cols + (pc - block * block_cols)] = recurrent[row * G * H + orig];
          }
          k_bias[pc] = bias[orig] + (gru && g < 2 ? recurrent_bias[orig] : 0.0f);
          if (gru && g == 2) r_bias_n[u] = recurrent_bias[orig];
          if (int8) {
            k_scale[pc] = k_scales[l][orig];
            r_scale[pc] = r_scales[l][orig];
            r_inv_scale[pc] = 1.0f / r_scales[l][orig];
          }
        }
      }
      hand::PackedSlice slice{d, b0, b1, k, k_bias, r, r_bias_n};
      slice.k_scale = k_scale;
      slice.r_scale = r_scale;
      slice.r_inv_scale = r_inv_scale;
      slices_[l * workers + w] = slice;
    }
    const int64_t r_passes = plan_.skip_zero_state_product ? T - 1 : T;
    const int64_t weight_bytes = PrecisionBytes(precision);
    // Weights at their precision; biases fp32; int8's per-column arrays: K's scale per pass, and R's
    // scale and inverse scale per step (narrowed activations: K's and R's scale and offset).
    const int64_t column_arrays = !int8 ? 0 : plan_.narrow_activations ? 2 * (passes + r_passes) : passes + 2 * r_passes;
    streamed_bytes_ += weight_bytes * (passes * d * cols + r_passes * H * cols) +
                       4 * (passes * cols + T * (gru ? Hp : 0) + column_arrays * cols);
  }
  streamed_bytes_ *= c.batch;

  plan_.cell = c.cell;
  plan_.layers = c.layers;
  plan_.units = H;
  plan_.units_padded = Hp;
  plan_.input_size = c.input_size;
  plan_.time_steps = T;
  plan_.batch = c.batch;
  plan_.gate_cols = cols;
  plan_.slice = slices_.data();
  if (precision != WeightPrecision::kFp32) Narrow();
  if (plan_.narrow_activations && narrow_ && (scales_ || !int8)) PackNarrowActivations();

  float* s = scratch_.get();
  workspace_.gx = s;
  s += RoundUp(T * cols, kAlignFloats);
  workspace_.seq[0] = s;
  s += RoundUp(T * Hp, kAlignFloats);
  workspace_.seq[1] = s;
  s += RoundUp(T * Hp, kAlignFloats);
  workspace_.c = s;
  s += RoundUp(Hp, kAlignFloats);
  workspace_.zeros = s;
}

namespace {

// A row-major [rows][cols] panel of `bytes`-byte values (1: int8, 2: bf16) re-laid out as
// [ceil(rows / P)][cols][P], P = 4 / bytes (rows past the end: 0), into out; int8 also sets
// offset[col] = 128 * the column's sum. Returns the bytes written.
int64_t Interleave(const uint8_t* panel, int64_t rows, int64_t cols, int bytes, uint8_t* out, int32_t* offset) {
  const int64_t per_lane = 4 / bytes, groups = (rows + per_lane - 1) / per_lane;
  for (int64_t col = 0; col < cols; ++col) {
    int32_t sum = 0;
    for (int64_t k = 0; k < groups * per_lane; ++k) {
      uint8_t* to = out + ((k / per_lane) * cols + col) * 4 + (k % per_lane) * bytes;
      if (k < rows) {
        std::memcpy(to, panel + (k * cols + col) * bytes, bytes);
        if (bytes == 1) sum += static_cast<int8_t>(*to);
      } else {
        std::memset(to, 0, bytes);
      }
    }
    if (bytes == 1) offset[col] = 128 * sum;
  }
  return groups * cols * 4;
}

}  // namespace

// Narrowed activations (rnn_plan.h): each slice's K panels ([D][width] in narrow_) and R panels
// ([H][G*U]) re-laid out for the dot-product instructions, int8's column offsets, and each
// worker's rows for its narrowed x_t and h_{t-1}.
void HandRnn::PackNarrowActivations() {
  const int bytes = PrecisionBytes(plan_.precision), per_lane = 4 / bytes;
  const int64_t H = plan_.units, T = plan_.time_steps, cols = plan_.gate_cols;
  const int64_t block_cols = cols / plan_.units_padded * plan_.geometry.unit_vecs * plan_.geometry.lanes;
  const int64_t proj_width = static_cast<int64_t>(plan_.geometry.proj_vecs) * plan_.geometry.lanes;
  auto groups = [&](int64_t rows) { return (rows + per_lane - 1) / per_lane; };
  int64_t pair_bytes = 0, widest = H;
  for (const hand::PackedSlice& slice : slices_) {
    const int64_t slice_cols = (slice.block_end - slice.block_begin) * block_cols;
    pair_bytes += (groups(slice.input) + groups(H)) * slice_cols * 4;
    widest = std::max(widest, slice.input);
  }
  const int64_t offset_stride = RoundUp(cols, kAlignFloats);  // int32s per layer, per K and R
  pairs_.reset(static_cast<uint8_t*>(std::aligned_alloc(64, RoundUp(pair_bytes, 64))));
  offsets_.reset(static_cast<uint8_t*>(std::aligned_alloc(64, static_cast<size_t>(2 * offset_stride * plan_.layers) * 4)));
  // Per worker the digit rows of every x_t and one row of h_{t-1}, each the widest row rounded up
  // to 16 values (the narrowing writes whole vectors), and their scales.
  workspace_.act_rows = hand::InputDigits(plan_.precision) * T + 1;
  workspace_.act_row = RoundUp(RoundUp(widest, 16) * bytes, 64);
  const int64_t act_bytes = workspace_.act_rows * workspace_.act_row * plan_.workers;
  act_.reset(static_cast<uint8_t*>(std::aligned_alloc(64, static_cast<size_t>(act_bytes))));
  act_scales_.reset(static_cast<float*>(std::aligned_alloc(64, RoundUp(workspace_.act_rows * plan_.workers * 4, 64))));
  if (!pairs_ || !offsets_ || !act_ || !act_scales_) return;
  std::memset(act_.get(), 0, static_cast<size_t>(act_bytes));
  std::memset(offsets_.get(), 0, static_cast<size_t>(2 * offset_stride * plan_.layers) * 4);
  workspace_.act = act_.get();
  workspace_.act_scale = act_scales_.get();
  uint8_t* out = pairs_.get();
  int32_t* offsets = reinterpret_cast<int32_t*>(offsets_.get());
  for (int64_t l = 0; l < plan_.layers; ++l) {
    int32_t* k_offset = offsets + 2 * offset_stride * l;
    int32_t* r_offset = k_offset + offset_stride;
    for (int w = 0; w < plan_.workers; ++w) {
      hand::PackedSlice& slice = slices_[l * plan_.workers + w];
      const int64_t col_begin = slice.block_begin * block_cols, col_end = slice.block_end * block_cols;
      slice.k_offset = k_offset;
      slice.r_offset = r_offset;
      slice.k_pairs = out;
      const uint8_t* panel = static_cast<const uint8_t*>(slice.k_narrow);
      for (int64_t col0 = col_begin; col0 < col_end; col0 += proj_width) {
        const int64_t width = std::min(proj_width, col_end - col0);
        out += Interleave(panel, slice.input, width, bytes, out, k_offset + col0);
        panel += slice.input * width * bytes;
      }
      slice.r_pairs = out;
      panel = static_cast<const uint8_t*>(slice.r_narrow);
      for (int64_t b = slice.block_begin; b < slice.block_end; ++b) {
        out += Interleave(panel, H, block_cols, bytes, out, r_offset + b * block_cols);
        panel += H * block_cols * bytes;
      }
    }
  }
}

// The packed floats (K and R already rounded to bf16 or to int8 values) narrowed element for element
// into narrow_; each slice's k_narrow / r_narrow point at its panels there. Biases, also narrowed,
// are never read from it.
void HandRnn::Narrow() {
  const int bytes = PrecisionBytes(plan_.precision);
  narrow_.reset(static_cast<uint8_t*>(std::aligned_alloc(64, static_cast<size_t>(packed_floats_) * bytes)));
  if (!narrow_) return;
  const float* p = packed_.get();
  if (plan_.precision == WeightPrecision::kBf16) {
    uint16_t* out = reinterpret_cast<uint16_t*>(narrow_.get());
    for (int64_t i = 0; i < packed_floats_; ++i) out[i] = Bf16Bits(p[i]);
  } else {
    int8_t* out = reinterpret_cast<int8_t*>(narrow_.get());
    for (int64_t i = 0; i < packed_floats_; ++i) {
      out[i] = static_cast<int8_t>(std::min(std::max(std::nearbyint(p[i]), -127.0f), 127.0f));
    }
  }
  for (hand::PackedSlice& slice : slices_) {
    slice.k_narrow = narrow_.get() + (slice.k_panels - p) * bytes;
    slice.r_narrow = narrow_.get() + (slice.r_panels - p) * bytes;
  }
}

}  // namespace tflatency
