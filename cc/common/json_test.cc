// //cc/common:json_test: the flat JSON reader parses what the exporter writes
// and rejects malformed text with one line; the writers escape strings and
// write unknown numbers as null. Plain main: prints each failure, exits 1 if any.
#include <cmath>
#include <cstdio>
#include <string>

#include "cc/common/json.h"

namespace tflatency {
namespace {

int g_failures = 0;

void Expect(bool ok, const std::string& what) {
  if (!ok) {
    ++g_failures;
    std::printf("FAIL: %s\n", what.c_str());
  }
}

void TestRead() {
  FlatJson json;
  std::string error = ParseFlatJson("{\"a\": {\"b\": [1, -2.5e3, \"x\\\"y\"]}, \"c\": true, \"d\": null}", &json);
  using K = JsonLeaf::Kind;
  Expect(error.empty() && json["a.b.0"] == JsonLeaf{K::kNumber, "1"} &&
             json["a.b.1"] == JsonLeaf{K::kNumber, "-2.5e3"} && json["a.b.2"] == JsonLeaf{K::kString, "x\"y"} &&
             json["c"] == JsonLeaf{K::kBool, "true"} && json["d"] == JsonLeaf{K::kNull, "null"},
         "flat JSON parse " + error);
  for (const char* bad : {"", "{", "{\"a\" 1}", "{\"a\": 1,}", "[1 2]", "{\"a\": 01x}", "{} x", "\"abc"}) {
    error = ParseFlatJson(bad, &json);
    Expect(!error.empty() && error.find('\n') == std::string::npos,
           std::string("flat JSON rejects '") + bad + "' in one line: " + error);
  }
}

void TestWrite() {
  Expect(JsonString("a\"b\\c") == "\"a\\\"b\\\\c\"", "JsonString escapes: " + JsonString("a\"b\\c"));
  Expect(JsonString("tab\there") == "\"tab here\"", "JsonString replaces control characters");
  Expect(JsonNumber(1.23456, "%.3f") == "1.235", "JsonNumber formats: " + JsonNumber(1.23456, "%.3f"));
  Expect(JsonNumber(std::nan(""), "%.3f") == "null", "JsonNumber writes NaN as null");
  FlatJson json;  // what is written reads back
  const std::string text = "{\"s\": " + JsonString("q\"uote") + ", \"n\": " + JsonNumber(2.5, "%.1f") + "}";
  Expect(ParseFlatJson(text, &json).empty() && json["s"].text == "q\"uote" && json["n"].text == "2.5",
         "written JSON reads back: " + text);
}

}  // namespace
}  // namespace tflatency

int main() {
  tflatency::TestRead();
  tflatency::TestWrite();
  std::printf(tflatency::g_failures == 0 ? "all passed\n" : "%d failure(s)\n", tflatency::g_failures);
  return tflatency::g_failures == 0 ? 0 : 1;
}
