// The command-line flag parser (see flags.h).
#include "cc/harness/flags.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

namespace tflatency {
namespace {

constexpr int kMaxFlagFileDepth = 8;
constexpr char kFlagFile[] = "flagfile";

// An optional '-' and 1 to 18 digits (so no overflow): nothing else.
bool ParseInteger(const std::string& text, int64_t* value) {
  const size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
  const size_t digits = text.size() - start;
  if (digits == 0 || digits > 18) return false;
  int64_t v = 0;
  for (size_t i = start; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + (text[i] - '0');
  }
  *value = start == 1 ? -v : v;
  return true;
}

// "a", "a or b", "a, b or c".
std::string Alternatives(const std::vector<std::string>& words) {
  std::string text;
  for (size_t i = 0; i < words.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  }
  return text;
}

std::string Join(const std::vector<std::string>& words, const std::string& separator) {
  std::string text;
  for (size_t i = 0; i < words.size(); ++i) text += (i == 0 ? "" : separator) + words[i];
  return text;
}

}  // namespace

FlagParser::Flag& FlagParser::Add(const std::string& name, Kind kind, void* value, const std::string& meta,
                                  const std::string& help) {
  Flag flag;
  flag.name = name;
  flag.kind = kind;
  flag.value = value;
  flag.meta = meta;
  flag.help = help;
  flags_.push_back(std::move(flag));
  return flags_.back();
}

void FlagParser::AddString(const std::string& name, std::string* value, const std::string& meta,
                           const std::string& help) {
  Add(name, Kind::kString, value, meta, help);
}

void FlagParser::AddPositiveInt(const std::string& name, int64_t* value, int64_t max, const std::string& meta,
                                const std::string& help) {
  Flag& flag = Add(name, Kind::kPositiveInt, value, meta, help);
  flag.min = 1;
  flag.max = max;
}

void FlagParser::AddInt(const std::string& name, int64_t* value, int64_t min, int64_t max, const std::string& meta,
                        const std::string& help) {
  Flag& flag = Add(name, Kind::kInt, value, meta, help);
  flag.min = min;
  flag.max = max;
}

void FlagParser::AddBool(const std::string& name, bool* value, const std::string& help) {
  Add(name, Kind::kBool, value, "true|false", help);
}

void FlagParser::AddChoice(const std::string& name, std::string* value, const std::vector<std::string>& choices,
                           const std::string& help) {
  Add(name, Kind::kChoice, value, Join(choices, "|"), help).choices = choices;
}

void FlagParser::Required(const std::string& name, const std::string& unless) {
  Flag* flag = Find(name);
  if (flag != nullptr) {
    flag->required = true;
    flag->unless = unless;
  }
}

FlagParser::Flag* FlagParser::Find(const std::string& name) {
  for (Flag& flag : flags_) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

bool FlagParser::Given(const std::string& name) const {
  for (const Flag& flag : flags_) {
    if (flag.name == name) return flag.given;
  }
  return false;
}

std::string FlagParser::Set(Flag* flag, const char* text) {
  const std::string dashed = "--" + flag->name;
  flag->given = true;
  if (flag->kind == Kind::kBool) {
    const std::string value = text == nullptr ? "true" : text;
    if (value == "true" || value == "1") {
      *static_cast<bool*>(flag->value) = true;
    } else if (value == "false" || value == "0") {
      *static_cast<bool*>(flag->value) = false;
    } else {
      return dashed + " must be true or false, got '" + value + "'";
    }
    return "";
  }
  if (text == nullptr || (flag->kind == Kind::kString && *text == '\0')) {
    return dashed + " needs a value: " + dashed + "=" + flag->meta;
  }
  const std::string value = text;
  switch (flag->kind) {
    case Kind::kString:
      *static_cast<std::string*>(flag->value) = value;
      return "";
    case Kind::kChoice:
      for (const std::string& choice : flag->choices) {
        if (value == choice) {
          *static_cast<std::string*>(flag->value) = value;
          return "";
        }
      }
      return dashed + " must be " + Alternatives(flag->choices) + ", got '" + value + "'";
    case Kind::kPositiveInt: {
      int64_t n = 0;
      if (!ParseInteger(value, &n) || n < 1) return dashed + " must be a positive integer, got '" + value + "'";
      if (n > flag->max) return dashed + " must be at most " + std::to_string(flag->max) + ", got " + value;
      *static_cast<int64_t*>(flag->value) = n;
      return "";
    }
    default: {  // Kind::kInt
      int64_t n = 0;
      if (!ParseInteger(value, &n) || n < flag->min || n > flag->max) {
        return dashed + " must be an integer in [" + std::to_string(flag->min) + ", " + std::to_string(flag->max) +
               "], got '" + value + "'";
      }
      *static_cast<int64_t*>(flag->value) = n;
      return "";
    }
  }
}

bool FlagParser::Take(const std::string& arg, int depth, std::string* error) {
  error->clear();
  if (arg.compare(0, 2, "--") != 0) return false;
  const size_t eq = arg.find('=');
  const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
  const char* text = eq == std::string::npos ? nullptr : arg.c_str() + eq + 1;
  if (name == kFlagFile) {
    if (text == nullptr || *text == '\0') {
      *error = "--flagfile needs a value: --flagfile=FILE";
    } else {
      *error = ReadFlagFile(text, depth + 1);
    }
    return true;
  }
  Flag* flag = Find(name);
  if (flag == nullptr) return false;
  *error = Set(flag, text);
  return true;
}

std::string FlagParser::ReadFlagFile(const std::string& path, int depth) {
  const std::string where = "--flagfile=" + path + ": ";
  if (depth > kMaxFlagFileDepth) return where + "flag files nested more than " + std::to_string(kMaxFlagFileDepth) + " deep";
  std::ifstream in(path);
  if (!in) return where + "cannot read: " + std::strerror(errno);
  std::string line, first_error;
  for (int number = 1; std::getline(in, line); ++number) {
    const size_t begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos || line[begin] == '#') continue;
    const std::string arg = line.substr(begin, line.find_last_not_of(" \t\r") + 1 - begin);
    std::string error;
    if (!Take(arg, depth, &error)) {
      error = "line " + std::to_string(number) + ": unknown flag '" + arg + "'";
    }
    if (!error.empty() && first_error.empty()) first_error = where + error;
  }
  return first_error;
}

std::string FlagParser::Parse(int* argc, char** argv) {
  for (Flag& flag : flags_) flag.given = false;
  std::string first_error;
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    std::string error;
    if (!Take(argv[i], 0, &error)) {
      argv[kept++] = argv[i];
      continue;
    }
    if (!error.empty() && first_error.empty()) first_error = error;
  }
  *argc = kept;
  argv[kept] = nullptr;
  if (!first_error.empty()) return first_error;
  for (const Flag& flag : flags_) {
    if (flag.required && !flag.given && !(!flag.unless.empty() && Given(flag.unless))) {
      return "missing --" + flag.name + "=" + flag.meta + " (" + flag.help + ")";
    }
  }
  return "";
}

std::string FlagParser::ParseAll(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  args.push_back(nullptr);
  int left = argc;
  const std::string error = Parse(&left, args.data());
  if (!error.empty()) return error;
  if (left > 1) return std::string("unknown flag '") + args[1] + "'";
  return "";
}

std::string FlagParser::Help() const {
  std::string text;
  auto line = [&text](std::string usage, const std::string& help) {
    if (usage.size() < 28) usage.resize(28, ' ');
    text += usage + "  " + help + "\n";
  };
  for (const Flag& flag : flags_) {
    line("  --" + flag.name + (flag.kind == Kind::kBool ? "" : "=" + flag.meta),
         flag.help + (flag.required ? " (required)" : ""));
  }
  line("  --flagfile=FILE", "more of these flags, one per line");
  return text;
}

}  // namespace tflatency
