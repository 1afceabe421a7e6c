// Installs a pybind11 class's __call__ as a bare METH_FASTCALL method, for the
// compiled-model bindings whose call is the thing being measured.
//
// pybind11's own dispatcher cost a third of a 0.38 us trivial-model call (timeit:
// 382 -> 257 ns without it; perf: overload resolution, the *args tuple, the
// keyword dict, type lookups). A METH_FASTCALL method gets the arguments as a C
// array and the keyword names as a tuple, so the happy path allocates nothing but
// the result. The class is still a pybind11 class (construction, properties).
//
//   class C { py::object Call(const CallArgs& args);      // may throw py:: errors
//             static const char* InputName(int i); };     // inputs may also be passed by name
//   py::class_<C> cls(m, "C");  DefFastCall<kInputs>(cls, "doc");   // checks the inputs
#ifndef TFLATENCY_CC_HARNESS_PY_FAST_CALL_H_
#define TFLATENCY_CC_HARNESS_PY_FAST_CALL_H_

#include <exception>
#include <string>

#include "pybind11/pybind11.h"

namespace tflatency {

namespace py = pybind11;

// The arguments of one call: every input in the declared order (given by position
// or by name), and `out=` (nullptr when absent or None).
struct CallArgs {
  static constexpr int kMaxInputs = 64;
  PyObject* inputs[kMaxInputs];
  int count;
  PyObject* out;
};

namespace fast_call_internal {

// input_name(i) names input i. Positional inputs come first; the rest by name.
template <class InputName>
CallArgs ParseCall(PyObject* const* args, Py_ssize_t nargsf, PyObject* kwnames, int inputs, InputName input_name) {
  CallArgs call;  // only the first `inputs` entries are used: no need to clear all kMaxInputs
  call.count = inputs;
  call.out = nullptr;
  for (int i = 0; i < inputs; ++i) call.inputs[i] = nullptr;
  const int positional = static_cast<int>(PyVectorcall_NARGS(nargsf));
  const Py_ssize_t keywords = kwnames == nullptr ? 0 : PyTuple_GET_SIZE(kwnames);
  if (positional > inputs) {
    throw py::type_error("expected " + std::to_string(inputs) + " input array(s), got " + std::to_string(positional));
  }
  for (int i = 0; i < positional; ++i) call.inputs[i] = args[i];
  int named = 0;
  for (Py_ssize_t k = 0; k < keywords; ++k) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, k);
    PyObject* value = args[positional + k];
    if (PyUnicode_CompareWithASCIIString(key, "out") == 0) {
      call.out = value == Py_None ? nullptr : value;
      continue;
    }
    int i = 0;
    while (i < inputs && PyUnicode_CompareWithASCIIString(key, input_name(i)) != 0) ++i;
    if (i == inputs) throw py::type_error("unexpected keyword argument '" + py::str(key).cast<std::string>() + "'");
    if (call.inputs[i] != nullptr) throw py::type_error(std::string("input '") + input_name(i) + "' given twice");
    call.inputs[i] = value;
    ++named;
  }
  if (named == 0 && positional != inputs) {
    throw py::type_error("expected " + std::to_string(inputs) + " input array(s), got " + std::to_string(positional));
  }
  for (int i = 0; i < inputs; ++i) {
    if (call.inputs[i] == nullptr) throw py::type_error(std::string("missing input '") + input_name(i) + "'");
  }
  return call;
}

template <class T, int kInputs>
PyObject* Trampoline(PyObject* self, PyObject* const* args, Py_ssize_t nargsf, PyObject* kwnames) {
  try {
    // The method descriptor has already checked that self is an instance of the class.
    auto v_h = reinterpret_cast<py::detail::instance*>(self)->get_value_and_holder();
    if (!v_h.holder_constructed()) throw py::type_error("the instance was not initialised (__init__ not called)");
    static_assert(kInputs <= CallArgs::kMaxInputs, "too many inputs for CallArgs");
    return v_h.value_ptr<T>()->Call(ParseCall(args, nargsf, kwnames, kInputs, &T::InputName)).release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (py::builtin_exception& e) {
    e.set_error();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

}  // namespace fast_call_internal

// Makes `instance(*inputs, out=None)` (inputs also by name: instance(x=..., y=...)) with kInputs
// inputs call T::Call without pybind11's dispatcher.
template <int kInputs, class T>
void DefFastCall(py::class_<T>& cls, const char* doc) {
  static PyMethodDef def = {"__call__",
                            reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&fast_call_internal::Trampoline<T, kInputs>)),
                            METH_FASTCALL | METH_KEYWORDS, doc};
  PyObject* method = PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(cls.ptr()), &def);
  if (method == nullptr) throw py::error_already_set();
  cls.attr("__call__") = py::reinterpret_steal<py::object>(method);
}

}  // namespace tflatency

#endif  // TFLATENCY_CC_HARNESS_PY_FAST_CALL_H_
