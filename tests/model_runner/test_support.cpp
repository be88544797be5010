#include "test_support.h"

#include <sys/stat.h>

#include "model_runner/host/host_runner.h"

namespace tinyscope::runner::test {

std::string sharedDir() {
  const std::string dir = TINYSCOPE_SHARED_DIR;
  struct stat st {};
  if (::stat((dir + "/models").c_str(), &st) != 0 ||
      ::stat((dir + "/golden/models.json").c_str(), &st) != 0) {
    return std::string();
  }
  return dir;
}

const host::JsonValue& modelsJson() {
  static const host::JsonValue value = [] {
    host::JsonValue v;
    const std::string dir = sharedDir();
    if (dir.empty()) return v;
    std::vector<uint8_t> bytes;
    if (!host::readBinaryFile(dir + "/golden/models.json", &bytes, nullptr)) return v;
    host::parseJson(std::string(bytes.begin(), bytes.end()), &v, nullptr);
    return v;
  }();
  return value;
}

std::vector<std::string> modelsOfTier(const std::string& tier) {
  std::vector<std::string> out;
  for (const auto& kv : modelsJson().object) {
    if (kv.second.stringOr("tier", "") == tier) out.push_back(kv.first);
  }
  return out;
}

std::vector<GoldenCase> goldenCases(const std::string& tier) {
  std::vector<GoldenCase> out;
  for (const auto& kv : modelsJson().object) {
    if (kv.second.stringOr("tier", "") != tier) continue;
    const host::JsonValue* cases = kv.second.find("golden_cases");
    if (cases == nullptr) continue;
    for (const host::JsonValue& c : cases->array) {
      out.push_back(GoldenCase{kv.first, c.string, kv.second.intOr("arena_used_bytes", 0)});
    }
  }
  return out;
}

}  // namespace tinyscope::runner::test
