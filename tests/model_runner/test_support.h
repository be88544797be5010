// Shared helpers for model_runner tests: where ../shared is, and the core-tier model list.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model_runner/host/json.h"

namespace tinyscope::runner::test {

// TINYSCOPE_SHARED_DIR (compile definition); empty string when the folder is absent.
std::string sharedDir();
constexpr const char* kSharedMissing =
    "../shared is missing (TINYSCOPE_SHARED_DIR has no models/ and golden/)";

struct GoldenCase {
  std::string model;
  std::string caseName;
  long long tflmArenaBytes = 0;
};

// Readable test names in gtest output.
inline void PrintTo(const GoldenCase& c, std::ostream* os) {
  *os << c.model << "/" << c.caseName;
}

// Every (model, case) of the given tier in golden/models.json; empty when ../shared is missing.
std::vector<GoldenCase> goldenCases(const std::string& tier);
// Core-tier model names.
std::vector<std::string> modelsOfTier(const std::string& tier);
// models.json parsed (null value when missing).
const host::JsonValue& modelsJson();

}  // namespace tinyscope::runner::test
