// The one command-line flag parser of every C++ program and test: a program
// declares its flags (string, integer with a range, bool, choice of words),
// then Parse() takes them out of argv and leaves everything else, so that
// google-benchmark's own --benchmark_* flags stay for benchmark::Initialize and
// benchmark::ReportUnrecognizedArguments.
//
//   FlagParser flags;
//   flags.AddString("model_prefix", &prefix, "PATH", "exported model prefix");
//   flags.AddInt("threads", &threads, 1, 64, "N", "cores of the multi-core case");
//   const std::string error = flags.Parse(&argc, argv);   // "" or one line
//
// Flags are written --name=value (a bool also --name). --flagfile=FILE reads
// more of this parser's flags from FILE, one per line (blank lines and lines
// starting with # skipped), as if they stood in its place: a later flag wins.
// Errors (the first one in argv order, then the first missing required flag):
//   --NAME needs a value: --NAME=META
//   --NAME must be a positive integer, got 'V'       (AddPositiveInt)
//   --NAME must be at most MAX, got V                (AddPositiveInt)
//   --NAME must be an integer in [MIN, MAX], got 'V' (AddInt)
//   --NAME must be true or false, got 'V'            (AddBool)
//   --NAME must be A, B or C, got 'V'                (AddChoice)
//   missing --NAME=META (HELP)                       (Required, unless its alternative was given)
#ifndef TFLATENCY_CC_HARNESS_FLAGS_H_
#define TFLATENCY_CC_HARNESS_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace tflatency {

class FlagParser {
 public:
  // --name=META: any non-empty text.
  void AddString(const std::string& name, std::string* value, const std::string& meta, const std::string& help);
  // --name=N: an integer in [1, max].
  void AddPositiveInt(const std::string& name, int64_t* value, int64_t max, const std::string& meta,
                      const std::string& help);
  // --name=N: an integer in [min, max].
  void AddInt(const std::string& name, int64_t* value, int64_t min, int64_t max, const std::string& meta,
              const std::string& help);
  // --name, --name=true|false|1|0.
  void AddBool(const std::string& name, bool* value, const std::string& help);
  // --name=one of `choices`.
  void AddChoice(const std::string& name, std::string* value, const std::vector<std::string>& choices,
                 const std::string& help);
  // Parse() fails when flag `name` (added before) was not given; with `unless`,
  // only when flag `unless` was not given either (one of two ways to say a thing).
  void Required(const std::string& name, const std::string& unless = "");

  // Takes every flag added above (and --flagfile) out of argv, in order, and
  // sets its value; leaves the rest of argv as it was (argv[*argc] = nullptr).
  // Returns "" or one line naming the flag.
  std::string Parse(int* argc, char** argv);
  // Parse, and anything left besides argv[0] is an error too ("unknown flag '--x'"):
  // for programs without google-benchmark.
  std::string ParseAll(int argc, char** argv);
  // Whether flag `name` appeared in the last Parse.
  bool Given(const std::string& name) const;

  // One line per flag: "  --name=META  help" (required ones marked).
  std::string Help() const;

 private:
  enum class Kind { kString, kPositiveInt, kInt, kBool, kChoice };
  struct Flag {
    std::string name, meta, help;
    Kind kind = Kind::kString;
    void* value = nullptr;  // std::string*, int64_t* or bool*, as `kind` says
    int64_t min = 0, max = 0;
    std::vector<std::string> choices;
    bool required = false;
    std::string unless;  // a required flag is not needed when this one is given
    bool given = false;
  };
  Flag& Add(const std::string& name, Kind kind, void* value, const std::string& meta, const std::string& help);
  Flag* Find(const std::string& name);
  // Sets `flag` from `text` (the part after '='; null without '='): "" or the error.
  std::string Set(Flag* flag, const char* text);
  // One argument: not ours (false), or ours with *error set to "" or the error.
  bool Take(const std::string& arg, int depth, std::string* error);
  std::string ReadFlagFile(const std::string& path, int depth);

  std::vector<Flag> flags_;
};

}  // namespace tflatency

#endif  // TFLATENCY_CC_HARNESS_FLAGS_H_
