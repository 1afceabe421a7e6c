// A fault switch for testing that scripts/bench survives a broken path:
// TFLATENCY_FAULT="crash:<case name>" aborts, "hang:<case name>" sleeps forever,
// when that benchmark case starts. Unset (always, outside tests) it does nothing.
#ifndef TFLATENCY_CC_HARNESS_FAULT_INJECTION_H_
#define TFLATENCY_CC_HARNESS_FAULT_INJECTION_H_

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tflatency {

inline void MaybeInjectFault(const std::string& case_name) {
  const char* spec = std::getenv("TFLATENCY_FAULT");
  if (spec == nullptr) return;
  const std::string s(spec);
  if (s == "crash:" + case_name) {
    std::fprintf(stderr, "TFLATENCY_FAULT: crashing %s on purpose\n", case_name.c_str());
    std::abort();
  }
  if (s == "hang:" + case_name) {
    std::fprintf(stderr, "TFLATENCY_FAULT: hanging %s on purpose\n", case_name.c_str());
    for (;;) pause();
  }
}

}  // namespace tflatency

#endif  // TFLATENCY_CC_HARNESS_FAULT_INJECTION_H_
