// Python binding of the hand-written kernel (pybind11), for the python_compiled rows:
//
//   import hand_rnn_py
//   m = hand_rnn_py.HandModel("model/model", threads=1)   # exported model prefix
//   y = m(x)  or  m(x, out=y)
//
// Same argument rules as the AOT model's binding (cc/harness/py_array_check.h):
// exact dtype and shape, C-contiguous, errors name the argument. The kernel reads
// the input in place and writes the output directly into the result array; the
// GIL is released while it runs, and one instance serialises its own calls.
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "cc/common/isa.h"
#include "cc/hand/rnn.h"
#include "cc/harness/py_array_check.h"
#include "cc/harness/py_fast_call.h"
#include "pybind11/numpy.h"
#include "pybind11/pybind11.h"

namespace tflatency {
namespace {

TensorSpec Spec(const char* name, int64_t batch, int64_t time, int64_t width) {
  return TensorSpec{name, "float32", 3, {batch, time, width}, batch * time * width};
}

class PyHandModel {
 public:
  PyHandModel(const std::string& prefix, int threads, const std::string& isa, const std::string& precision,
              const std::string& activations)
      : float32_(py::dtype::of<float>()) {
    HandRnnOptions options;
    options.threads = threads;
    std::string error;
    if (!PrecisionFromName(precision, &options.precision)) {
      throw py::value_error("precision must be fp32, bf16 or int8, got '" + precision + "'");
    }
    if (activations != "fp32") {  // the weights' own precision: x and h narrowed too
      if (options.precision == WeightPrecision::kFp32 || activations != precision) {
        throw py::value_error("activations must be fp32 or the weights' precision (" + precision + "), got '" +
                              activations + "'");
      }
      options.narrow_activations = NarrowActivations::kNative;
    }
    if (isa != "auto") {  // "auto": the widest this CPU supports
      Isa chosen;
      if (!IsaFromName(isa, &chosen)) throw py::value_error("isa must be auto, avx512, avx2 or scalar, got '" + isa + "'");
      options.isa = chosen;
    }
    rnn_ = HandRnn::Load(prefix, options, &error);
    if (!rnn_) throw py::value_error(error);
    const HandModelConfig& c = rnn_->config();
    input_ = Spec("x", c.batch, c.time_steps, c.input_size);  // the exported RNN's signature names
    output_ = Spec("y", c.batch, c.time_steps, c.units);
  }

  static const char* InputName(int) { return "x"; }

  // model(x, out=None)
  py::object Call(const CallArgs& args) {
    py::array input = CheckArray(args.inputs[0], input_, float32_, ArgName{"input", "x"});
    py::object result;
    float* dest;
    if (args.out == nullptr) {
      py::array fresh = NewArray(output_, float32_);
      dest = static_cast<float*>(fresh.mutable_data());
      result = std::move(fresh);
    } else {
      py::array checked = CheckArray(args.out, output_, float32_, ArgName{"out"});
      if (!checked.writeable()) throw py::value_error("out: array is read-only");
      dest = static_cast<float*>(checked.mutable_data());
      result = std::move(checked);
    }
    const float* src = static_cast<const float*>(input.data());
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mu_);
      rnn_->Run(src, dest);
    }
    return result;
  }

  int threads() const { return rnn_->threads(); }
  std::string isa() const { return IsaName(rnn_->isa()); }
  std::string precision() const { return PrecisionName(rnn_->precision()); }
  std::string activations() const {
    return rnn_->narrow_activations() == NarrowActivations::kNone ? "fp32" : PrecisionName(rnn_->precision());
  }
  double max_abs_error_allowed() const { return rnn_->max_abs_error_allowed(); }
  int64_t fma_count() const { return rnn_->fma_count(); }

 private:
  std::unique_ptr<HandRnn> rnn_;
  TensorSpec input_{}, output_{};
  py::dtype float32_;
  std::mutex mu_;
};

}  // namespace
}  // namespace tflatency

PYBIND11_MODULE(hand_rnn_py, m) {
  namespace py = pybind11;
  using tflatency::PyHandModel;
  py::class_<PyHandModel> model(m, "HandModel");
  model
      .def(py::init<const std::string&, int, const std::string&, const std::string&, const std::string&>(),
           py::arg("prefix"), py::arg("threads") = 1, py::arg("isa") = "auto", py::arg("precision") = "fp32",
           py::arg("activations") = "fp32")
      .def_property_readonly("precision", &PyHandModel::precision)
      .def_property_readonly("activations", &PyHandModel::activations)
      .def_property_readonly("threads", &PyHandModel::threads)
      .def_property_readonly("isa", &PyHandModel::isa)
      .def_property_readonly("fma_count", &PyHandModel::fma_count);
  tflatency::DefFastCall<1>(model, "Runs one inference: model(x, out=None) -> output array");
  m.attr("binding") = "pybind11";
}
