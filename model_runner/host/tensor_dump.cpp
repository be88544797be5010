#include "model_runner/host/tensor_dump.h"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "model_runner/host/error_format.h"
#include "model_runner/host/json.h"
#include "model_runner/host/sha256.h"

namespace tinyscope::runner::host {

namespace {

bool makeDir(const std::string& path, std::string* error) {
  if (::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return true;
  *error = "cannot create folder " + path;
  return false;
}

std::string stringOrEmpty(const JsonValue& obj, const char* key) {
  const JsonValue* v = obj.find(key);
  return v != nullptr && v->type == JsonValue::Type::kString ? v->string : std::string();
}

// Reads manifest fields with their range checked: a number out of range, not an integer or of
// the wrong JSON type is an error naming the field (`where` + key).
class FieldReader {
 public:
  explicit FieldReader(std::string* error) : m_error(error) {}

  bool integer(const JsonValue& obj, const std::string& where, const char* key, int64_t min,
               int64_t max, int64_t def, int64_t* out) {
    *out = def;
    const JsonValue* v = obj.find(key);
    if (v == nullptr || v->isNull()) return true;
    return number(*v, where + key, min, max, out);
  }
  template <typename T>
  bool integer(const JsonValue& obj, const std::string& where, const char* key, int64_t min,
               int64_t max, T def, T* out) {
    int64_t v = 0;
    if (!integer(obj, where, key, min, max, static_cast<int64_t>(def), &v)) return false;
    *out = static_cast<T>(v);
    return true;
  }
  bool list(const JsonValue& obj, const std::string& where, const char* key, int64_t min,
            int64_t max, std::vector<int32_t>* out) {
    out->clear();
    const JsonValue* v = obj.find(key);
    if (v == nullptr || v->isNull()) return true;
    if (v->type != JsonValue::Type::kArray) return fail(where + key + " is not a list");
    for (size_t i = 0; i < v->array.size(); ++i) {
      int64_t x = 0;
      if (!number(v->array[i], where + key + "[" + std::to_string(i) + "]", min, max, &x))
        return false;
      out->push_back(static_cast<int32_t>(x));
    }
    return true;
  }
  bool fail(const std::string& text) {
    *m_error = text;
    return false;
  }

 private:
  bool number(const JsonValue& v, const std::string& field, int64_t min, int64_t max,
              int64_t* out) {
    // Compared as doubles first: converting an out-of-range double to an integer is undefined.
    if (v.type != JsonValue::Type::kNumber || !(v.number >= static_cast<double>(min)) ||
        !(v.number <= static_cast<double>(max)) || v.number != std::floor(v.number)) {
      return fail(field + " is not an integer in " + std::to_string(min) + ".." +
                  std::to_string(max));
    }
    *out = static_cast<int64_t>(v.number);
    return true;
  }
  std::string* m_error;
};

constexpr int64_t kMaxInt32 = 2147483647;
constexpr int64_t kMaxCount = 1 << 30;  // tensors, operators, bytes of one tensor

}  // namespace

bool parseManifest(const std::string& json, DumpManifest* m, std::string* error) {
  std::string localError;
  std::string* err = error != nullptr ? error : &localError;
  JsonValue root;
  if (!parseJson(json, &root, err)) return false;
  if (root.type != JsonValue::Type::kObject) {
    *err = "the manifest is not a JSON object";
    return false;
  }
  *m = DumpManifest();
  FieldReader r(err);
  m->format = root.stringOr("format", "");
  m->model = root.stringOr("model", "");
  m->modelFile = root.stringOr("model_file", "");
  m->modelSha256 = root.stringOr("model_sha256", "");
  m->caseName = root.stringOr("case", "");
  m->inputSource = root.stringOr("input_source", "");
  m->oracle = root.stringOr("oracle", "");
  m->kernels = root.stringOr("kernels", "");
  m->inputGenerator = root.stringOr("input_generator", "");
  m->preserveAllOutputMatches = root.boolOr("preserve_all_output_matches", false);
  m->tensorsDumped = root.boolOr("tensors_dumped", false);
  const JsonValue* tensors = root.find("tensors");
  if (tensors == nullptr || tensors->type != JsonValue::Type::kArray) {
    *err = "the manifest has no \"tensors\" list";
    return false;
  }
  const auto numTensors = static_cast<int64_t>(tensors->array.size());
  if (!r.integer(root, "", "model_bytes", 0, kMaxInt32, uint64_t{0}, &m->modelBytes) ||
      !r.integer(root, "", "input_seed", -1, 0xFFFFFFFFLL, int64_t{-1}, &m->inputSeed) ||
      !r.list(root, "", "inputs", 0, numTensors - 1, &m->inputs) ||
      !r.list(root, "", "outputs", 0, numTensors - 1, &m->outputs) ||
      !r.integer(root, "", "num_subgraphs", 0, kMaxInt32, int32_t{1}, &m->numSubgraphs) ||
      !r.integer(root, "", "arena_used_bytes", 0, kMaxCount, uint64_t{0}, &m->arenaUsedBytes) ||
      !r.integer(root, "", "arena_used_bytes_preserve_all", 0, kMaxCount, uint64_t{0},
                 &m->arenaUsedBytesPreserveAll)) {
    return false;
  }
  // Operators only describe the graph (nothing is indexed by their tensor lists).
  if (const JsonValue* ops = root.find("operators")) {
    for (size_t i = 0; i < ops->array.size(); ++i) {
      const JsonValue& o = ops->array[i];
      const std::string where = "operators[" + std::to_string(i) + "].";
      DumpOperator d;
      d.op = o.stringOr("op", "");
      if (!r.integer(o, where, "index", 0, kMaxCount, int32_t{0}, &d.index) ||
          !r.list(o, where, "inputs", -1, kMaxInt32, &d.inputs) ||
          !r.list(o, where, "outputs", -1, kMaxInt32, &d.outputs)) {
        return false;
      }
      m->operators.push_back(std::move(d));
    }
  }
  std::vector<bool> seen(tensors->array.size(), false);
  for (size_t i = 0; i < tensors->array.size(); ++i) {
    const JsonValue& t = tensors->array[i];
    const std::string where = "tensors[" + std::to_string(i) + "].";
    DumpTensor d;
    d.name = t.stringOr("name", "");
    d.type = t.stringOr("type", "");
    d.producerOpName = stringOrEmpty(t, "producer_op_name");
    d.file = stringOrEmpty(t, "file");
    d.isConstant = t.boolOr("is_constant", false);
    d.isVariable = t.boolOr("is_variable", false);
    if (!r.integer(t, where, "index", 0, numTensors - 1, int32_t{0}, &d.index) ||
        !r.list(t, where, "shape", 0, kMaxInt32, &d.shape) ||
        !r.integer(t, where, "quantized_dimension", 0, kMaxInt32, int32_t{0},
                   &d.quantizedDimension) ||
        !r.integer(t, where, "producer_op", -1, kMaxInt32, int32_t{-1}, &d.producerOp) ||
        !r.integer(t, where, "model_input", -1, kMaxInt32, int32_t{-1}, &d.modelInput) ||
        !r.integer(t, where, "model_output", -1, kMaxInt32, int32_t{-1}, &d.modelOutput) ||
        !r.integer(t, where, "bytes", 0, kMaxCount, uint64_t{0}, &d.bytes)) {
      return false;
    }
    if (seen[static_cast<size_t>(d.index)]) return r.fail(where + "index repeats another tensor's");
    seen[static_cast<size_t>(d.index)] = true;
    if (const JsonValue* s = t.find("scale")) {
      for (const JsonValue& e : s->array) d.scale.push_back(e.number);
    }
    std::vector<int32_t> zp;
    if (!r.list(t, where, "zero_point", -kMaxInt32 - 1, kMaxInt32, &zp)) return false;
    d.zeroPoint.assign(zp.begin(), zp.end());
    if (d.zeroPoint.size() != d.scale.size())
      return r.fail(where + "zero_point has " + std::to_string(d.zeroPoint.size()) +
                    " entries, scale " + std::to_string(d.scale.size()));
    if (!r.integer(t, where, "quant_channels", 0, kMaxInt32, static_cast<int32_t>(d.scale.size()),
                   &d.quantChannels)) {
      return false;
    }
    // The data size follows from the shape and type; `bytes` must agree.
    const size_t elem = elementSizeOf(d.type);
    if (elem != 0) {
      constexpr auto kCap = static_cast<uint64_t>(kMaxCount);
      uint64_t count = elem;  // bytes; kCap + 1 once past the cap (never wraps)
      for (int32_t dim : d.shape) {
        const auto u = static_cast<uint64_t>(dim);
        count = u != 0 && count > kCap / u ? kCap + 1 : count * u;
      }
      if (count > kCap)
        return r.fail(where + "shape x " + d.type + " exceeds " + std::to_string(kCap) + " bytes");
      if (count != d.bytes)
        return r.fail(where + "bytes is " + std::to_string(d.bytes) + ", but shape x " + d.type +
                      " gives " + std::to_string(count));
    } else if (!d.file.empty()) {
      return r.fail(where + "type '" + d.type + "' has no known element size");
    }
    m->tensors.push_back(std::move(d));
  }
  return true;
}

std::string manifestToJson(const DumpManifest& m) {
  JsonWriter w;
  w.beginObject();
  w.key("format").value(m.format);
  w.key("model").value(m.model);
  w.key("model_file").value(m.modelFile);
  w.key("model_sha256").value(m.modelSha256);
  w.key("case").value(m.caseName);
  w.key("input_source").value(m.inputSource);
  w.key("oracle").value(m.oracle);
  if (!m.kernels.empty()) w.key("kernels").value(m.kernels);
  w.key("model_bytes").value(m.modelBytes);
  w.key("input_seed").value(m.inputSeed);
  w.key("input_generator").value(m.inputGenerator);
  w.key("inputs").numbers(m.inputs);
  w.key("outputs").numbers(m.outputs);
  w.key("num_subgraphs").value(m.numSubgraphs);
  w.key("arena_used_bytes").value(m.arenaUsedBytes);
  w.key("arena_used_bytes_preserve_all").value(m.arenaUsedBytesPreserveAll);
  w.key("preserve_all_output_matches").value(m.preserveAllOutputMatches);
  w.key("tensors_dumped").value(m.tensorsDumped);
  writeGraphJson(w, m, GraphJson::kManifest);
  w.endObject();
  return w.str() + "\n";
}

namespace {

// `dir` resolved: an absolute path without symlinks, "." or "..".
bool canonicalDir(const std::string& dir, std::string* out, std::string* error) {
  char* real = ::realpath(dir.c_str(), nullptr);
  if (real == nullptr) {
    *error = "cannot open folder " + dir + ": " + std::strerror(errno);
    return false;
  }
  *out = real;
  std::free(real);
  return true;
}

// Reads `name` (relative, from a manifest) inside the canonical dump folder `root`. Exactly
// `expectedBytes`; a missing file is fine when `optional` (then `out` stays empty).
bool readInsideDump(const std::string& root, const std::string& dir, const std::string& name,
                    uint64_t expectedBytes, bool optional, std::vector<uint8_t>* out,
                    std::string* error) {
  out->clear();
  const std::string shown = dir + "/" + name;
  if (name.empty() || name[0] == '/') {
    *error = "the manifest names '" + name + "', which is not a path inside the dump folder";
    return false;
  }
  char* real = ::realpath((root + "/" + name).c_str(), nullptr);
  if (real == nullptr) {
    if (optional && errno == ENOENT) return true;
    *error = "cannot open " + shown + ": " + std::strerror(errno);
    return false;
  }
  const std::string resolved = real;
  std::free(real);
  const std::string prefix = root == "/" ? root : root + "/";
  if (resolved.compare(0, prefix.size(), prefix) != 0) {
    *error = shown + " leads outside the dump folder (to " + resolved + ")";
    return false;
  }
  std::string readError;
  if (!readBinaryFile(resolved, out, &readError, static_cast<size_t>(expectedBytes))) {
    *error = readError;
    return false;
  }
  if (out->size() != expectedBytes) {
    *error = shown + " holds " + std::to_string(out->size()) +
             " bytes, the manifest's shape says " + std::to_string(expectedBytes);
    return false;
  }
  return true;
}

}  // namespace

bool readDump(const std::string& dir, TensorDump* out, std::string* error) {
  std::string localError;
  std::string* err = error != nullptr ? error : &localError;
  *out = TensorDump();
  std::string root;
  if (!canonicalDir(dir, &root, err)) return false;
  std::vector<uint8_t> bytes;
  if (!readBinaryFile(root + "/manifest.json", &bytes, err)) return false;
  if (!parseManifest(std::string(bytes.begin(), bytes.end()), &out->manifest, err)) {
    *err = dir + "/manifest.json: " + *err;
    return false;
  }
  const DumpManifest& man = out->manifest;
  std::vector<const DumpTensor*> byIndex(man.tensors.size(), nullptr);
  for (const DumpTensor& t : man.tensors) byIndex[static_cast<size_t>(t.index)] = &t;
  auto bytesOf = [&byIndex](int32_t index) -> uint64_t {
    const DumpTensor* t = byIndex[static_cast<size_t>(index)];
    return t != nullptr ? t->bytes : 0;
  };
  if (!man.inputs.empty() &&
      !readInsideDump(root, dir, "input.bin", bytesOf(man.inputs[0]), true, &out->input, err)) {
    return false;
  }
  for (size_t k = 0; k < man.outputs.size(); ++k) {
    std::vector<uint8_t> o;
    const std::string name =
        k == 0 ? std::string("output.bin") : "output" + std::to_string(k) + ".bin";
    if (!readInsideDump(root, dir, name, bytesOf(man.outputs[k]), true, &o, err)) return false;
    out->outputs.push_back(std::move(o));
  }
  if (!man.tensorsDumped) return true;
  for (const DumpTensor& t : man.tensors) {
    if (t.file.empty()) continue;
    std::vector<uint8_t> data;
    if (!readInsideDump(root, dir, t.file, t.bytes, false, &data, err)) return false;
    out->data[t.index] = std::move(data);
  }
  return true;
}

bool writeDump(const std::string& dir, const TensorDump& dump, std::string* error) {
  std::string localError;
  std::string* err = error != nullptr ? error : &localError;
  if (!makeDir(dir, err)) return false;
  const std::string json = manifestToJson(dump.manifest);
  if (!writeBinaryFile(dir + "/manifest.json", std::vector<uint8_t>(json.begin(), json.end()), err))
    return false;
  if (!writeBinaryFile(dir + "/input.bin", dump.input, err)) return false;
  for (size_t k = 0; k < dump.outputs.size(); ++k) {
    const std::string name =
        k == 0 ? std::string("/output.bin") : "/output" + std::to_string(k) + ".bin";
    if (!writeBinaryFile(dir + name, dump.outputs[k], err)) return false;
  }
  if (!dump.manifest.tensorsDumped) return true;
  if (!makeDir(dir + "/tensors", err)) return false;
  for (const DumpTensor& t : dump.manifest.tensors) {
    if (t.file.empty()) continue;
    const auto it = dump.data.find(t.index);
    if (it == dump.data.end()) continue;
    if (!writeBinaryFile(dir + "/" + t.file, it->second, err)) return false;
  }
  return true;
}

bool makeDump(const ModelFile& model, const std::string& caseName, const std::string& inputSource,
              int64_t inputSeed, const std::vector<uint8_t>& input, const RunResult& run,
              TensorDump* out, std::string* error) {
  std::string localError;
  std::string* err = error != nullptr ? error : &localError;
  Model m;
  if (m.load(model.bytes.data(), model.bytes.size()) != Status::kOk) {
    *err = model.path + ": " + formatError(m.error());
    return false;
  }
  *out = TensorDump();
  DumpManifest& man = out->manifest;
  man.model = model.name;
  const size_t slash = model.path.find_last_of('/');
  man.modelFile = slash == std::string::npos ? model.path : model.path.substr(slash + 1);
  man.modelSha256 = sha256Hex(model.bytes.data(), model.bytes.size());
  man.caseName = caseName;
  man.inputSource = inputSource;
  man.inputSeed = inputSeed;
  man.inputGenerator = inputSeed >= 0 ? "xorshift32" : "file";
  // The kernel set that actually ran (device runs set their own oracle).
  man.kernels = run.kernelsKnown ? kernelsName(run.kernels) : "";
  man.oracle = "tinyscope model_runner" +
               (run.kernelsKnown ? " " + man.kernels + " kernels" : std::string()) +
               (run.kernelsKnown && run.kernels == Kernels::kOptimized
                    ? std::string(" (") + optimizedKernelsIsa() + ")"
                    : std::string()) +
               ", fresh interpreter, single invoke";
  man.modelBytes = model.bytes.size();
  man.numSubgraphs = static_cast<int32_t>(m.numSubgraphs());
  // One interpreter both runs and dumps (tensors are copied by the observer as produced).
  man.arenaUsedBytes = run.arenaUsedBytes;
  man.arenaUsedBytesPreserveAll = run.arenaUsedBytes;
  man.preserveAllOutputMatches = true;
  bool anyCaptured = false;
  for (bool c : run.captured) anyCaptured = anyCaptured || c;
  man.tensorsDumped = anyCaptured;
  describeGraph(m, nullptr, &man);
  for (DumpTensor& t : man.tensors) {
    const auto i = static_cast<size_t>(t.index);
    if (!t.isConstant && i < run.captured.size() && run.captured[i]) {
      t.file = "tensors/T" + std::to_string(t.index) + ".bin";
      out->data[t.index] = run.tensorBytes[i];
    }
  }
  out->input = input;
  out->outputs = run.outputs;
  return true;
}

}  // namespace tinyscope::runner::host
