// //cc/harness:flags_test: the one flag parser. Known flags are taken out of
// argv in order and unknown ones left (google-benchmark's among them); every
// kind of bad value gives its one-line error naming the flag; required flags;
// --flagfile; the help text. Plain main: prints each failure, exits 1 if any.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "cc/harness/flags.h"

namespace tflatency {
namespace {

int g_failures = 0;

void Expect(bool ok, const std::string& what) {
  if (!ok) {
    ++g_failures;
    std::printf("FAIL: %s\n", what.c_str());
  }
}

void ExpectEq(const std::string& got, const std::string& want, const std::string& what) {
  Expect(got == want, what + ": got '" + got + "', want '" + want + "'");
}

// One parser with a flag of every kind, and the values they set.
struct Fixture {
  std::string name = "default";
  int64_t count = 5000;
  int64_t threads = 2;
  bool verbose = false;
  std::string cell;
  FlagParser parser;

  Fixture() {
    parser.AddString("name", &name, "FILE", "a file");
    parser.AddPositiveInt("count", &count, 1000, "N", "calls");
    parser.AddInt("threads", &threads, 1, 64, "N", "cores");
    parser.AddBool("verbose", &verbose, "say more");
    parser.AddChoice("cell", &cell, {"lstm", "gru"}, "cell type");
  }

  // Parses `args` (after a program name); *left gets what stays in argv.
  std::string Parse(std::vector<std::string> args, std::vector<std::string>* left = nullptr) {
    args.insert(args.begin(), "program");
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(&arg[0]);
    argv.push_back(nullptr);
    int argc = static_cast<int>(args.size());
    const std::string error = parser.Parse(&argc, argv.data());
    Expect(argv[argc] == nullptr, "argv[argc] is null after Parse");
    if (left != nullptr) left->assign(argv.begin() + 1, argv.begin() + argc);
    return error;
  }
};

void TestValues() {
  Fixture f;
  std::vector<std::string> left;
  ExpectEq(f.Parse({"--benchmark_filter=x", "--name=a.json", "--count=7", "--other", "--threads=64", "--verbose",
                    "--cell=gru", "positional"},
                   &left),
           "", "valid flags");
  Expect(f.name == "a.json" && f.count == 7 && f.threads == 64 && f.verbose && f.cell == "gru", "values set");
  Expect(left == std::vector<std::string>({"--benchmark_filter=x", "--other", "positional"}),
         "unknown flags left in argv, in order");
  Expect(f.parser.Given("count") && !Fixture().parser.Given("count"), "Given");
  Fixture later;
  ExpectEq(later.Parse({"--count=1", "--count=2", "--verbose=false"}), "", "repeated flags");
  Expect(later.count == 2 && !later.verbose, "a later flag wins; --verbose=false");
  Fixture defaults;
  ExpectEq(defaults.Parse({}), "", "no flags");
  Expect(defaults.name == "default" && defaults.count == 5000, "defaults kept");
}

void TestErrors() {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--name", "--name needs a value: --name=FILE"},
      {"--name=", "--name needs a value: --name=FILE"},
      {"--count", "--count needs a value: --count=N"},
      {"--count=abc", "--count must be a positive integer, got 'abc'"},
      {"--count=0", "--count must be a positive integer, got '0'"},
      {"--count=-3", "--count must be a positive integer, got '-3'"},
      {"--count=+3", "--count must be a positive integer, got '+3'"},
      {"--count=1e3", "--count must be a positive integer, got '1e3'"},
      {"--count=1001", "--count must be at most 1000, got 1001"},
      {"--count=99999999999999999999", "--count must be a positive integer, got '99999999999999999999'"},
      {"--threads=0", "--threads must be an integer in [1, 64], got '0'"},
      {"--threads=65", "--threads must be an integer in [1, 64], got '65'"},
      {"--threads=two", "--threads must be an integer in [1, 64], got 'two'"},
      {"--verbose=maybe", "--verbose must be true or false, got 'maybe'"},
      {"--cell=rnn", "--cell must be lstm or gru, got 'rnn'"},
      {"--cell=", "--cell must be lstm or gru, got ''"},
      {"--flagfile=/nonexistent/x.flags", "--flagfile=/nonexistent/x.flags: cannot read: No such file or directory"},
  };
  for (const auto& [arg, want] : cases) {
    Fixture f;
    std::vector<std::string> left;
    ExpectEq(f.Parse({"--other", arg}, &left), want, arg);
    Expect(left == std::vector<std::string>({"--other"}), arg + ": taken out of argv even when bad");
  }
  Fixture first;
  ExpectEq(first.Parse({"--count=0", "--threads=0"}), "--count must be a positive integer, got '0'",
           "the first bad flag in argv order");
  FlagParser three;
  std::string isa;
  three.AddChoice("isa", &isa, {"avx512", "avx2", "scalar"}, "ISA");
  int argc = 2;
  char arg[] = "--isa=sse9";
  char program[] = "p";
  char* argv[] = {program, arg, nullptr};
  ExpectEq(three.Parse(&argc, argv), "--isa must be avx512, avx2 or scalar, got 'sse9'", "three choices");
}

void TestRequired() {
  std::string dir, other;
  FlagParser parser;
  parser.AddString("rnn_saved_model", &dir, "DIR", "a SavedModel directory; bazel run //cc:session_bench passes it");
  parser.AddString("other", &other, "X", "another");
  parser.Required("rnn_saved_model");
  char program[] = "p";
  char bad[] = "--other=";
  char good[] = "--rnn_saved_model=/m";
  char* missing[] = {program, nullptr};
  int argc = 1;
  ExpectEq(parser.Parse(&argc, missing),
           "missing --rnn_saved_model=DIR (a SavedModel directory; bazel run //cc:session_bench passes it)",
           "required flag missing");
  char* both[] = {program, bad, nullptr};
  argc = 2;
  ExpectEq(parser.Parse(&argc, both), "--other needs a value: --other=X", "a bad value before a missing flag");
  char* given[] = {program, good, nullptr};
  argc = 2;
  ExpectEq(parser.Parse(&argc, given), "", "required flag given");
  Expect(dir == "/m", "required value set");
}

void TestFlagFile() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp != nullptr ? tmp : "/tmp") + "/flags_test.flags";
  std::ofstream(path) << "# the model\n--cell=lstm\n\n  --count=9  \n--threads=3\n";
  Fixture f;
  std::vector<std::string> left;
  ExpectEq(f.Parse({"--flagfile=" + path, "--threads=4", "--other"}, &left), "", "flagfile");
  Expect(f.cell == "lstm" && f.count == 9 && f.threads == 4, "flagfile values, a later flag wins");
  Expect(left == std::vector<std::string>({"--other"}), "--flagfile taken out of argv");
  Fixture before;
  before.Parse({"--threads=4", "--flagfile=" + path});
  Expect(before.threads == 3, "the flagfile's flag wins over an earlier one");
  std::ofstream(path) << "--cell=lstm\n--benchmark_filter=x\n";
  Fixture unknown;
  ExpectEq(unknown.Parse({"--flagfile=" + path}), "--flagfile=" + path + ": line 2: unknown flag '--benchmark_filter=x'",
           "unknown flag in a flagfile");
  std::ofstream(path) << "--count=0\n";
  Fixture bad;
  ExpectEq(bad.Parse({"--flagfile=" + path}), "--flagfile=" + path + ": --count must be a positive integer, got '0'",
           "bad value in a flagfile");
  std::ofstream(path) << "--flagfile=" << path << "\n";
  Fixture loop;
  const std::string error = loop.Parse({"--flagfile=" + path});
  Expect(error.find("nested more than 8 deep") != std::string::npos, "flagfile including itself: " + error);
}

void TestParseAllAndHelp() {
  Fixture f;
  char program[] = "p";
  char count[] = "--count=3";
  char stray[] = "--stray";
  char* argv[] = {program, count, stray, nullptr};
  ExpectEq(f.parser.ParseAll(3, argv), "unknown flag '--stray'", "ParseAll rejects what is left");
  Expect(f.count == 3, "ParseAll sets values");
  Expect(std::string(argv[2]) == "--stray", "ParseAll leaves the caller's argv alone");
  const std::string help = f.parser.Help();
  for (const char* part : {"--name=FILE", "a file", "--count=N", "--threads=N", "--verbose ", "--cell=lstm|gru",
                           "--flagfile=FILE"}) {
    Expect(help.find(part) != std::string::npos, std::string("help mentions ") + part + ":\n" + help);
  }
}

}  // namespace
}  // namespace tflatency

int main() {
  tflatency::TestValues();
  tflatency::TestErrors();
  tflatency::TestRequired();
  tflatency::TestFlagFile();
  tflatency::TestParseAllAndHelp();
  std::printf(tflatency::g_failures == 0 ? "all passed\n" : "%d failure(s)\n", tflatency::g_failures);
  return tflatency::g_failures == 0 ? 0 : 1;
}
