// Binds an AOT-compiled model (a tf_aot_library traits struct) as a Python class
// with pybind11, for tf_aot_library(python_module = True):
//
//   m = module.Model();  y = m(x)  or  m(x, out=y)
//
// pybind11 rather than nanobind: //python:binding_bench measured its calls with
// a NumPy argument and a NumPy result as the cheaper of the two here; the call
// itself bypasses pybind11's dispatcher (cc/harness/py_fast_call.h).
// Arguments are NumPy arrays of exactly the model's dtype and shape, C-contiguous;
// anything else raises TypeError/ValueError naming the argument (never a silent
// conversion). An input aligned as XLA requires is used in place; otherwise it is
// copied into the model's own buffer (the model's code may assume alignment).
// The result is copied out (a new array, or `out`), because the model reuses its
// result buffer on the next call. The GIL is released while the model runs; one
// instance serialises its own calls, separate instances run in parallel.
#ifndef TFLATENCY_TFCOMPILE_AOT_PYTHON_MODULE_H_
#define TFLATENCY_TFCOMPILE_AOT_PYTHON_MODULE_H_

#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "cc/harness/py_array_check.h"
#include "cc/harness/py_fast_call.h"
#include "cc/harness/tensor_spec.h"
#include "pybind11/numpy.h"
#include "pybind11/pybind11.h"

namespace tflatency {

namespace py = pybind11;

template <class Traits>
class PyAotModel {
 public:
  using Golden = typename Traits::Golden;
  static constexpr int kNumInputs = Golden::kNumInputs;

  PyAotModel() : output_dtype_(SpecDtype(Golden::kOutputSpec)) {
    for (int i = 0; i < kNumInputs; ++i) {
      own_args_[i] = model_.arg_data(Golden::ArgIndex(model_, i));
      input_dtypes_[i] = SpecDtype(Golden::kInputSpecs[i]);
    }
  }

  // model(*inputs, out=None)
  py::object Call(const CallArgs& args) {
    const void* data[kNumInputs];  // the caller's arrays, alive for the whole call
    for (int i = 0; i < kNumInputs; ++i) {
      data[i] = CheckArray(args.inputs[i], Golden::kInputSpecs[i], input_dtypes_[i], ArgName{"input", i}).data();
    }
    py::object result;
    void* dest;
    if (args.out != nullptr) {
      py::array checked = CheckArray(args.out, Golden::kOutputSpec, output_dtype_, ArgName{"out"});
      if (!checked.writeable()) throw py::value_error("out: array is read-only");
      dest = checked.mutable_data();
      result = std::move(checked);
    } else {
      py::array fresh = NewArray(Golden::kOutputSpec, output_dtype_);
      dest = fresh.mutable_data();
      result = std::move(fresh);
    }
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mu_);
      for (int i = 0; i < kNumInputs; ++i) {
        const int arg = Golden::ArgIndex(model_, i);  // signature order can differ from argument order
        const size_t align = xla::cpu::MinAlign();
        if (static_cast<size_t>(model_.arg_size(arg)) < align || reinterpret_cast<uintptr_t>(data[i]) % align == 0) {
          model_.set_arg_data(arg, data[i]);
        } else {
          model_.set_arg_data(arg, own_args_[i]);
          std::memcpy(own_args_[i], data[i], model_.arg_size(arg));
        }
      }
      ok_ = model_.Run();
      if (ok_) std::memcpy(dest, model_.result_data(0), model_.result_size(0));
      for (int i = 0; i < kNumInputs; ++i) model_.set_arg_data(Golden::ArgIndex(model_, i), own_args_[i]);
    }
    if (!ok_) throw std::runtime_error("the compiled model failed: " + model_.error_msg());
    return result;
  }

 private:
  typename Traits::Model model_;
  void* own_args_[kNumInputs];
  py::dtype input_dtypes_[kNumInputs];
  py::dtype output_dtype_;
  std::mutex mu_;
  bool ok_ = true;
};

// Adds class `Model` (and module constants) for one compiled model.
template <class Traits>
void DefineAotModule(py::module_& m) {
  using Golden = typename Traits::Golden;
  py::class_<PyAotModel<Traits>> model(m, "Model");
  model.def(py::init<>());
  DefFastCall<PyAotModel<Traits>::kNumInputs>(model, "Runs one inference: model(*inputs, out=None) -> output array");
  m.attr("model_name") = Golden::kModelName;
  m.attr("kind") = Golden::kKind;
  m.attr("fma_count") = Golden::kFmaCount;
  m.attr("target_cpu") = Traits::kTargetCpu;
  m.attr("variant") = Traits::kVariant;
  m.attr("xla_flags") = Traits::kTfcompileFlags;
  m.attr("atol") = Golden::kAtol;
  m.attr("rtol") = Golden::kRtol;
  m.attr("binding") = "pybind11";
}

}  // namespace tflatency

#endif  // TFLATENCY_TFCOMPILE_AOT_PYTHON_MODULE_H_
