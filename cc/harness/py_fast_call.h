// Installs a pybind11 class's __call__ as a bare METH_FASTCALL method, for the
// compiled-model bindings whose call is the thing being measured.
//
// pybind11's own dispatcher cost a third of a 0.38 us trivial-model call (timeit:
// 382 -> 257 ns without it; perf: overload resolution, the *args tuple, the
// keyword dict, type lookups). A METH_FASTCALL method gets the arguments as a C
// array and the keyword names as a tuple, so the happy path allocates nothing but
// the result. The class is still a pybind11 class (construction, properties).
//
//   class C { py::object Call(const CallArgs& args); };   // may throw py:: errors
//   py::class_<C> cls(m, "C");  DefFastCall<kInputs>(cls, "doc");   // checks the input count
#ifndef TFLATENCY_CC_HARNESS_PY_FAST_CALL_H_
#define TFLATENCY_CC_HARNESS_PY_FAST_CALL_H_

#include <exception>
#include <string>

#include "pybind11/pybind11.h"

namespace tflatency {

namespace py = pybind11;

// The arguments of one call: positional inputs (as many as declared), and `out=`
// (nullptr when absent or None).
struct CallArgs {
  PyObject* const* inputs;
  int count;
  PyObject* out;
};

namespace fast_call_internal {

inline CallArgs ParseCall(PyObject* const* args, Py_ssize_t nargsf, PyObject* kwnames, int inputs) {
  CallArgs call{args, static_cast<int>(PyVectorcall_NARGS(nargsf)), nullptr};
  if (call.count != inputs) {
    throw py::type_error("expected " + std::to_string(inputs) + " input array(s), got " + std::to_string(call.count));
  }
  const Py_ssize_t keywords = kwnames == nullptr ? 0 : PyTuple_GET_SIZE(kwnames);
  for (Py_ssize_t i = 0; i < keywords; ++i) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, i);
    if (PyUnicode_CompareWithASCIIString(key, "out") != 0) {
      throw py::type_error("unexpected keyword argument '" + py::str(key).cast<std::string>() + "'");
    }
    call.out = args[call.count + i] == Py_None ? nullptr : args[call.count + i];
  }
  return call;
}

template <class T, int kInputs>
PyObject* Trampoline(PyObject* self, PyObject* const* args, Py_ssize_t nargsf, PyObject* kwnames) {
  try {
    // The method descriptor has already checked that self is an instance of the class.
    auto v_h = reinterpret_cast<py::detail::instance*>(self)->get_value_and_holder();
    if (!v_h.holder_constructed()) throw py::type_error("the instance was not initialised (__init__ not called)");
    return v_h.value_ptr<T>()->Call(ParseCall(args, nargsf, kwnames, kInputs)).release().ptr();
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

// Makes `instance(*inputs, out=None)` with kInputs inputs call T::Call without pybind11's dispatcher.
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
