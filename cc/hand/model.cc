// Config and raw-file loading for the hand-written kernel (see model.h).
#include "cc/hand/model.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cc/common/json.h"

namespace tflatency {
namespace {

constexpr int64_t kMaxDim = 1 << 20;
constexpr int64_t kMaxFloats = int64_t{1} << 30;  // 4 GiB of weights

// A leaf as it appeared in the file (strings quoted), for error messages.
std::string Quoted(const JsonLeaf& leaf) {
  return leaf.kind == JsonLeaf::Kind::kString ? "\"" + leaf.text + "\"" : leaf.text;
}

// Parses a JSON integer leaf; "" or the error.
std::string GetInt(const FlatJson& json, const std::string& key, const std::string& where, int64_t* value) {
  const auto it = json.find(key);
  if (it == json.end()) return where + ": missing field '" + key + "'";
  errno = 0;
  char* end = nullptr;
  const std::string& text = it->second.text;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (it->second.kind != JsonLeaf::Kind::kNumber || *end != '\0' || errno != 0) {
    return where + ": field '" + key + "' must be an integer, got " + Quoted(it->second);
  }
  *value = v;
  return "";
}

std::string GetDouble(const FlatJson& json, const std::string& key, const std::string& where, double* value) {
  const auto it = json.find(key);
  if (it == json.end()) return where + ": missing field '" + key + "'";
  char* end = nullptr;
  const double v = std::strtod(it->second.text.c_str(), &end);
  if (it->second.kind != JsonLeaf::Kind::kNumber || *end != '\0' || !std::isfinite(v) || v < 0) {
    return where + ": field '" + key + "' must be a non-negative number, got " + Quoted(it->second);
  }
  *value = v;
  return "";
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string CheckHandConfig(const HandModelConfig& c) {
  const std::pair<const char*, int64_t> dims[] = {{"layers", c.layers},         {"units", c.units},
                                                  {"input_size", c.input_size}, {"time_steps", c.time_steps},
                                                  {"batch", c.batch}};
  for (const auto& d : dims) {
    if (d.second <= 0 || d.second > kMaxDim) {
      return std::string("config '") + c.name + "': field '" + d.first + "' must be in [1, " +
             std::to_string(kMaxDim) + "], got " + std::to_string(d.second);
    }
  }
  // Each factor is at most 2^20, so these products cannot overflow int64.
  const double floats = static_cast<double>(c.layers) * Gates(c.cell) * c.units *
                        (static_cast<double>(c.input_size) + c.units + 2);
  if (floats > static_cast<double>(kMaxFloats)) {
    return "config '" + c.name + "': model too large (" + std::to_string(static_cast<int64_t>(floats)) +
           " weights)";
  }
  if (static_cast<double>(c.batch) * c.time_steps * (static_cast<double>(c.input_size) + c.units) >
      static_cast<double>(kMaxFloats)) {
    return "config '" + c.name + "': input or output too large";
  }
  return "";
}

HandModelFiles HandFilesFromPrefix(const std::string& prefix_or_info) {
  HandModelFiles files;
  const std::string suffix = "_info.json";
  files.prefix = EndsWith(prefix_or_info, suffix)
                     ? prefix_or_info.substr(0, prefix_or_info.size() - suffix.size())
                     : prefix_or_info;
  return files;
}

std::string LoadHandModelConfig(const std::string& info_path, HandModelConfig* config) {
  std::ifstream in(info_path, std::ios::binary);
  if (!in) return info_path + ": cannot open: " + std::strerror(errno);
  std::stringstream buffer;
  buffer << in.rdbuf();
  FlatJson json;
  std::string error = ParseFlatJson(buffer.str(), &json);
  if (!error.empty()) return info_path + ": not valid JSON: " + error;

  HandModelConfig c;
  const auto name = json.find("config.name");
  if (name != json.end()) c.name = name->second.text;
  const auto cell = json.find("config.cell");
  if (cell == json.end()) return info_path + ": missing field 'config.cell'";
  const JsonLeaf lstm{JsonLeaf::Kind::kString, "lstm"}, gru{JsonLeaf::Kind::kString, "gru"};
  if (cell->second == lstm) {
    c.cell = Cell::kLstm;
  } else if (cell->second == gru) {
    c.cell = Cell::kGru;
  } else {
    return info_path + ": field 'config.cell' must be \"lstm\" or \"gru\", got " + Quoted(cell->second);
  }
  const auto dtype = json.find("config.dtype");
  if (dtype != json.end() && !(dtype->second == JsonLeaf{JsonLeaf::Kind::kString, "float32"})) {
    return info_path + ": field 'config.dtype' must be \"float32\", got " + Quoted(dtype->second);
  }
  const std::pair<const char*, int64_t*> ints[] = {{"config.layers", &c.layers},
                                                   {"config.units", &c.units},
                                                   {"config.input_size", &c.input_size},
                                                   {"config.time_steps", &c.time_steps},
                                                   {"config.batch", &c.batch}};
  for (const auto& field : ints) {
    error = GetInt(json, field.first, info_path, field.second);
    if (!error.empty()) return error;
  }
  for (const auto& field : {std::make_pair("outputs.0.atol", &c.atol), std::make_pair("outputs.0.rtol", &c.rtol)}) {
    error = GetDouble(json, field.first, info_path, field.second);
    if (!error.empty()) return error;
  }
  if (json.find("reduced_precision_atol") != json.end()) {
    error = GetDouble(json, "reduced_precision_atol", info_path, &c.reduced_precision_atol);
    if (!error.empty()) return error;
  }
  error = CheckHandConfig(c);
  if (!error.empty()) return info_path + ": " + error;
  int64_t fma_count = 0;
  error = GetInt(json, "fma_count", info_path, &fma_count);
  if (!error.empty()) return error;
  if (fma_count != FmaCount(c)) {
    return info_path + ": field 'fma_count' is " + std::to_string(fma_count) + " but the config implies " +
           std::to_string(FmaCount(c));
  }
  *config = c;
  return "";
}

std::string ReadFloatFile(const std::string& path, int64_t count, std::vector<float>* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return path + ": cannot open: " + std::strerror(errno);
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  if (size < 0 || static_cast<int64_t>(size) != count * 4) {
    std::fclose(f);
    return path + ": " + std::to_string(size) + " bytes, expected " + std::to_string(count * 4) + " (" +
           std::to_string(count) + " float32)";
  }
  out->assign(static_cast<size_t>(count), 0.0f);
  const size_t got = std::fread(out->data(), 4, static_cast<size_t>(count), f);
  std::fclose(f);
  if (static_cast<int64_t>(got) != count) return path + ": short read";
  static_assert(sizeof(float) == 4, "float32 expected");
  const uint16_t probe = 1;
  if (*reinterpret_cast<const uint8_t*>(&probe) != 1) {  // big-endian host: swap bytes
    for (float& v : *out) {
      uint32_t bits;
      std::memcpy(&bits, &v, 4);
      bits = __builtin_bswap32(bits);
      std::memcpy(&v, &bits, 4);
    }
  }
  for (int64_t i = 0; i < count; ++i) {
    if (!std::isfinite((*out)[i])) return path + ": non-finite value at float " + std::to_string(i);
  }
  return "";
}

}  // namespace tflatency
