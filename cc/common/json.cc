// JSON reading (a recursive-descent parser behind ParseFlatJson) and writing (see json.h).
#include "cc/common/json.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace tflatency {
namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(const std::string& text, FlatJson* out) : s_(text), out_(out) {}

  std::string Parse() {
    if (!Value("", 0)) return error_;
    SkipSpace();
    if (pos_ != s_.size()) return Fail("unexpected text after the top-level value"), error_;
    return "";
  }

 private:
  bool Fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at byte " + std::to_string(pos_);
    return false;
  }
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  bool Value(const std::string& path, int depth) {
    if (depth > kMaxDepth) return Fail("nesting too deep");
    SkipSpace();
    if (pos_ >= s_.size()) return Fail("unexpected end of input");
    const char c = s_[pos_];
    if (c == '{') return Object(path, depth);
    if (c == '[') return Array(path, depth);
    if (c == '"') {
      std::string str;
      if (!String(&str)) return false;
      (*out_)[path] = JsonLeaf{JsonLeaf::Kind::kString, str};
      return true;
    }
    for (const char* word : {"true", "false", "null"}) {
      const std::string w(word);
      if (s_.compare(pos_, w.size(), w) == 0) {
        pos_ += w.size();
        (*out_)[path] = JsonLeaf{w == "null" ? JsonLeaf::Kind::kNull : JsonLeaf::Kind::kBool, w};
        return true;
      }
    }
    return Number(path);
  }

  bool Object(const std::string& path, int depth) {
    ++pos_;  // '{'
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') return ++pos_, true;
    while (true) {
      SkipSpace();
      std::string key;
      if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("expected a string key");
      if (!String(&key)) return false;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Fail("expected ':'");
      ++pos_;
      if (!Value(Join(path, key), depth + 1)) return false;
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') return ++pos_, true;
      return Fail("expected ',' or '}'");
    }
  }

  bool Array(const std::string& path, int depth) {
    ++pos_;  // '['
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') return ++pos_, true;
    for (int index = 0;; ++index) {
      if (!Value(Join(path, std::to_string(index)), depth + 1)) return false;
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') return ++pos_, true;
      return Fail("expected ',' or ']'");
    }
  }

  bool String(std::string* str) {
    ++pos_;  // opening quote
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return Fail("control character in string");
      if (c != '\\') {
        str->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      const char e = s_[pos_++];
      switch (e) {
        case '"': case '\\': case '/': str->push_back(e); break;
        case 'b': str->push_back('\b'); break;
        case 'f': str->push_back('\f'); break;
        case 'n': str->push_back('\n'); break;
        case 'r': str->push_back('\r'); break;
        case 't': str->push_back('\t'); break;
        case 'u': {
          if (pos_ + 4 > s_.size()) return Fail("short \\u escape");
          for (int i = 0; i < 4; ++i) {
            if (!std::isxdigit(static_cast<unsigned char>(s_[pos_ + i]))) return Fail("bad \\u escape");
          }
          const unsigned code = std::strtoul(s_.substr(pos_, 4).c_str(), nullptr, 16);
          pos_ += 4;
          // Keys and values we read are ASCII; anything else is kept as '?'.
          str->push_back(code < 0x80 ? static_cast<char>(code) : '?');
          break;
        }
        default: return Fail("bad escape in string");
      }
    }
    return Fail("unterminated string");
  }

  bool Number(const std::string& path) {
    const size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    size_t digits = 0;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_, ++digits;
    if (digits == 0) return pos_ = start, Fail("expected a value");
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      digits = 0;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_, ++digits;
      if (digits == 0) return Fail("expected digits after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      digits = 0;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_, ++digits;
      if (digits == 0) return Fail("expected exponent digits");
    }
    (*out_)[path] = JsonLeaf{JsonLeaf::Kind::kNumber, s_.substr(start, pos_ - start)};
    return true;
  }

  const std::string& s_;
  FlatJson* out_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

std::string ParseFlatJson(const std::string& text, FlatJson* out) {
  FlatJson parsed;
  Parser parser(text, &parsed);
  const std::string error = parser.Parse();
  if (error.empty()) *out = std::move(parsed);
  return error;
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonNumber(double value, const char* format) {
  if (std::isnan(value)) return "null";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

}  // namespace tflatency
