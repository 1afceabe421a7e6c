// Checks that a Python argument is a NumPy array of exactly a TensorSpec's
// dtype and shape, C-contiguous; otherwise raises TypeError/ValueError naming
// the argument. Shared by the Python bindings of the AOT model and the hand kernel.
// The happy path allocates nothing and builds no string: it runs on every call.
#ifndef TFLATENCY_CC_HARNESS_PY_ARRAY_CHECK_H_
#define TFLATENCY_CC_HARNESS_PY_ARRAY_CHECK_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "cc/harness/tensor_spec.h"
#include "pybind11/numpy.h"
#include "pybind11/pybind11.h"

namespace tflatency {

namespace py = pybind11;

inline std::string ShapeString(const int64_t* dims, int rank) {
  std::string s = "(";
  for (int i = 0; i < rank; ++i) s += std::to_string(dims[i]) + (rank == 1 || i + 1 < rank ? "," : "");
  return s + ")";
}

// The NumPy dtype of a spec (float32, int32, int64 or bool), made once per spec by the caller.
inline py::dtype SpecDtype(const TensorSpec& spec) {
  if (std::strcmp(spec.dtype, "float32") == 0) return py::dtype::of<float>();
  if (std::strcmp(spec.dtype, "int64") == 0) return py::dtype::of<int64_t>();
  if (std::strcmp(spec.dtype, "bool") == 0) return py::dtype::of<bool>();
  return py::dtype::of<int32_t>();
}

// An argument's name in error messages: "input 'x'", "out".
struct ArgName {
  const char* base;
  const char* name = nullptr;
  std::string str() const { return name == nullptr ? base : std::string(base) + " '" + name + "'"; }
};

// The argument as an array exactly matching `spec` (whose dtype is `dtype`),
// or a Python exception naming the argument.
inline py::array CheckArray(const py::handle& obj, const TensorSpec& spec, const py::dtype& dtype,
                            const ArgName& what) {
  if (!py::isinstance<py::array>(obj)) throw py::type_error(what.str() + ": expected a NumPy array");
  py::array a = py::reinterpret_borrow<py::array>(obj);
  if (a.dtype().num() != dtype.num()) {
    throw py::type_error(what.str() + ": expected dtype " + spec.dtype + ", got " +
                         py::str(a.dtype()).cast<std::string>() + " (convert with .astype(np." + spec.dtype + "))");
  }
  const py::ssize_t* shape = a.shape();
  bool same = a.ndim() == spec.rank;
  for (int i = 0; same && i < spec.rank; ++i) same = shape[i] == spec.dims[i];
  if (!same) {
    const std::vector<int64_t> got(shape, shape + a.ndim());
    if (a.ndim() != spec.rank) {
      throw py::value_error(what.str() + ": expected rank " + std::to_string(spec.rank) + " " +
                            ShapeString(spec.dims, spec.rank) + ", got rank " + std::to_string(a.ndim()) + " " +
                            ShapeString(got.data(), static_cast<int>(got.size())));
    }
    throw py::value_error(what.str() + ": expected shape " + ShapeString(spec.dims, spec.rank) + ", got " +
                          ShapeString(got.data(), spec.rank));
  }
  if (!(a.flags() & py::array::c_style)) {
    throw py::value_error(what.str() + ": array is not C-contiguous (use np.ascontiguousarray)");
  }
  return a;
}

// A new, uninitialised C-contiguous array of `spec`'s shape and `dtype`
// (NumPy's constructor directly: py::array's would first copy the shape into a vector).
inline py::array NewArray(const TensorSpec& spec, const py::dtype& dtype) {
  const auto& api = py::detail::npy_api::get();
  Py_intptr_t dims[TensorSpec::kMaxRank];
  for (int i = 0; i < spec.rank; ++i) dims[i] = static_cast<Py_intptr_t>(spec.dims[i]);
  PyObject* descr = dtype.inc_ref().ptr();  // stolen by NumPy
  PyObject* array = api.PyArray_NewFromDescr_(api.PyArray_Type_, descr, spec.rank, dims, nullptr, nullptr, 0, nullptr);
  if (array == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::array>(array);
}

}  // namespace tflatency

#endif  // TFLATENCY_CC_HARNESS_PY_ARRAY_CHECK_H_
