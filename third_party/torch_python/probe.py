"""Where the Python environment's torch lives, as one JSON line (for torch_python_repository).

Prints {"error": ...} when torch cannot be imported or its wheel lacks what
AOTInductor from C++ needs, so the build says n/a instead of failing.
"""

import json
import os

NEEDED = ("include/torch/csrc/inductor/aoti_package/model_package_loader.h", "include/torch/csrc/api/include",
          "lib/libtorch.so", "lib/libtorch_cpu.so", "lib/libc10.so")


def main():
    try:
        import torch  # pylint: disable=g-import-not-at-top
    except ImportError as e:
        print(json.dumps({"error": f"torch cannot be imported: {e}"}))
        return
    torch_dir = os.path.dirname(torch.__file__)
    missing = [path for path in NEEDED if not os.path.exists(os.path.join(torch_dir, path))]
    if missing:
        print(json.dumps({"error": f"the torch {torch.__version__} wheel lacks {', '.join(missing)}"}))
        return
    print(json.dumps({"torch_dir": torch_dir, "version": torch.__version__,
                      "cxx11_abi": int(torch._C._GLIBCXX_USE_CXX11_ABI)}))  # pylint: disable=protected-access


if __name__ == "__main__":
    main()
