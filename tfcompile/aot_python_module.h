// Binds an AOT-compiled model (a tf_aot_library traits struct) as a Python class
// with pybind11, for tf_aot_library(python_module = True):
//
//   m = module.Model()
//   y = m(x)  or  m(x, out=y)  or  m(x=x)            one output: an array
//   r = m(x=x, ids=ids)   r["scores"], r["pooled"]    several: a dict by output name
//
// Inputs by position (in the model's input order, sorted by name) or by name.
// pybind11 rather than nanobind: //python:binding_bench measured its calls with
// a NumPy argument and a NumPy result as the cheaper of the two here; the call
// itself bypasses pybind11's dispatcher (cc/harness/py_fast_call.h).
// Arguments are NumPy arrays of exactly the model's dtype and shape, C-contiguous;
// anything else raises TypeError/ValueError naming the input (never a silent
// conversion). An input aligned as XLA requires is used in place; otherwise it is
// copied into the model's own buffer (the model's code may assume alignment).
// Results are copied out (new arrays, or `out` for a one-output model), because
// the model reuses its result buffers on the next call. The GIL is released while
// the model runs; one instance serialises its own calls, separate instances run
// in parallel.
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
  static constexpr int kNumOutputs = Golden::kNumOutputs;

  PyAotModel() {
    for (int i = 0; i < kNumInputs; ++i) {
      own_args_[i] = model_.arg_data(Golden::ArgIndex(model_, i));
      input_dtypes_[i] = SpecDtype(Golden::kInputSpecs[i]);
    }
    for (int j = 0; j < kNumOutputs; ++j) output_dtypes_[j] = SpecDtype(Golden::kOutputSpecs[j]);
  }

  static const char* InputName(int i) { return Golden::kInputSpecs[i].name; }

  // model(*inputs, out=None), inputs also by name
  py::object Call(const CallArgs& args) {
    const void* data[kNumInputs];  // the caller's arrays, alive for the whole call
    for (int i = 0; i < kNumInputs; ++i) {
      data[i] = CheckArray(args.inputs[i], Golden::kInputSpecs[i], input_dtypes_[i],
                           ArgName{"input", Golden::kInputSpecs[i].name}).data();
    }
    py::array results[kNumOutputs];
    void* dest[kNumOutputs];
    if (args.out != nullptr) {
      if (kNumOutputs != 1) throw py::type_error("out= applies to a model with one output; this one has " +
                                                 std::to_string(kNumOutputs));
      py::array checked = CheckArray(args.out, Golden::kOutputSpecs[0], output_dtypes_[0], ArgName{"out"});
      if (!checked.writeable()) throw py::value_error("out: array is read-only");
      dest[0] = checked.mutable_data();
      results[0] = std::move(checked);
    } else {
      for (int j = 0; j < kNumOutputs; ++j) {
        results[j] = NewArray(Golden::kOutputSpecs[j], output_dtypes_[j]);
        dest[j] = results[j].mutable_data();
      }
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
      for (int j = 0; ok_ && j < kNumOutputs; ++j) {
        const int result = Golden::ResultIndex(model_, j);
        std::memcpy(dest[j], model_.result_data(result), model_.result_size(result));
      }
      for (int i = 0; i < kNumInputs; ++i) model_.set_arg_data(Golden::ArgIndex(model_, i), own_args_[i]);
    }
    if (!ok_) throw std::runtime_error("the compiled model failed: " + model_.error_msg());
    if (kNumOutputs == 1) return std::move(results[0]);
    py::dict named;
    for (int j = 0; j < kNumOutputs; ++j) named[Golden::kOutputSpecs[j].name] = std::move(results[j]);
    return std::move(named);
  }

 private:
  typename Traits::Model model_;
  void* own_args_[kNumInputs];
  py::dtype input_dtypes_[kNumInputs];
  py::dtype output_dtypes_[kNumOutputs];
  std::mutex mu_;
  bool ok_ = true;
};

// Adds class `Model` (and module constants) for one compiled model.
template <class Traits>
void DefineAotModule(py::module_& m) {
  using Golden = typename Traits::Golden;
  py::class_<PyAotModel<Traits>> model(m, "Model");
  model.def(py::init<>());
  DefFastCall<PyAotModel<Traits>::kNumInputs>(
      model, "Runs one inference: model(*inputs, out=None) or model(**inputs) -> the output array, or a dict of "
             "output arrays by name when the model has several");
  py::list input_names, output_names;
  for (int i = 0; i < Golden::kNumInputs; ++i) input_names.append(Golden::kInputSpecs[i].name);
  for (int j = 0; j < Golden::kNumOutputs; ++j) output_names.append(Golden::kOutputSpecs[j].name);
  m.attr("input_names") = py::tuple(input_names);
  m.attr("output_names") = py::tuple(output_names);
  m.attr("model_name") = Golden::kModelName;
  m.attr("kind") = Golden::kKind;
  m.attr("fma_count") = Golden::kFmaCount;
  m.attr("target_cpu") = Traits::kTargetCpu;
  m.attr("variant") = Traits::kVariant;
  m.attr("xla_flags") = Traits::kTfcompileFlags;
  m.attr("binding") = "pybind11";
}

}  // namespace tflatency

#endif  // TFLATENCY_TFCOMPILE_AOT_PYTHON_MODULE_H_
