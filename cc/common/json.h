// JSON for the C++ side, which has no JSON library: reading the small
// _info.json files the exporter writes, and writing strings and numbers (the
// per-call record, cc/harness/per_call.h).
//
// Reading: ParseFlatJson parses the whole grammar
// (objects, arrays, strings with escapes, numbers, true/false/null) and flattens
// every scalar leaf into a map keyed by its dotted path, e.g. "config.cell",
// "fma_count", "inputs.0.shape.2". Each leaf keeps its JSON kind; strings are
// stored unescaped, numbers, booleans and null as their literal text.
#ifndef TFLATENCY_CC_COMMON_JSON_H_
#define TFLATENCY_CC_COMMON_JSON_H_

#include <map>
#include <string>

namespace tflatency {

struct JsonLeaf {
  enum class Kind { kString, kNumber, kBool, kNull };
  Kind kind = Kind::kNull;
  std::string text;
  bool operator==(const JsonLeaf& o) const { return kind == o.kind && text == o.text; }
};
using FlatJson = std::map<std::string, JsonLeaf>;

// Parses `text`; on success fills *out and returns "", else returns one line
// saying what is wrong and where (byte offset).
std::string ParseFlatJson(const std::string& text, FlatJson* out);

// Writing: `text` as a JSON string literal (quotes and backslashes escaped,
// control characters replaced by spaces).
std::string JsonString(const std::string& text);
// `value` printed with printf `format` (e.g. "%.3f"), or null when it is NaN (unknown).
std::string JsonNumber(double value, const char* format);

}  // namespace tflatency

#endif  // TFLATENCY_CC_COMMON_JSON_H_
