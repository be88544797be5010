#include "model_runner/host/tensor_dump.h"

#include <sys/stat.h>

#include <cerrno>

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

std::vector<int32_t> intList(const JsonValue* v) {
  std::vector<int32_t> out;
  if (v == nullptr) return out;
  for (const JsonValue& e : v->array) out.push_back(static_cast<int32_t>(e.number));
  return out;
}

std::string stringOrEmpty(const JsonValue& obj, const char* key) {
  const JsonValue* v = obj.find(key);
  return v != nullptr && v->type == JsonValue::Type::kString ? v->string : std::string();
}

}  // namespace

bool parseManifest(const std::string& json, DumpManifest* m, std::string* error) {
  JsonValue root;
  if (!parseJson(json, &root, error)) return false;
  if (root.type != JsonValue::Type::kObject) {
    *error = "the manifest is not a JSON object";
    return false;
  }
  *m = DumpManifest();
  m->format = root.stringOr("format", "");
  m->model = root.stringOr("model", "");
  m->modelFile = root.stringOr("model_file", "");
  m->modelSha256 = root.stringOr("model_sha256", "");
  m->caseName = root.stringOr("case", "");
  m->inputSource = root.stringOr("input_source", "");
  m->oracle = root.stringOr("oracle", "");
  m->modelBytes = static_cast<uint64_t>(root.intOr("model_bytes", 0));
  m->inputSeed = root.intOr("input_seed", -1);
  m->inputGenerator = root.stringOr("input_generator", "");
  m->inputs = intList(root.find("inputs"));
  m->outputs = intList(root.find("outputs"));
  m->numSubgraphs = static_cast<int32_t>(root.intOr("num_subgraphs", 1));
  m->arenaUsedBytes = static_cast<uint64_t>(root.intOr("arena_used_bytes", 0));
  m->arenaUsedBytesPreserveAll =
      static_cast<uint64_t>(root.intOr("arena_used_bytes_preserve_all", 0));
  m->preserveAllOutputMatches = root.boolOr("preserve_all_output_matches", false);
  m->tensorsDumped = root.boolOr("tensors_dumped", false);
  if (const JsonValue* ops = root.find("operators")) {
    for (const JsonValue& o : ops->array) {
      DumpOperator d;
      d.index = static_cast<int32_t>(o.intOr("index", 0));
      d.op = o.stringOr("op", "");
      d.inputs = intList(o.find("inputs"));
      d.outputs = intList(o.find("outputs"));
      m->operators.push_back(d);
    }
  }
  const JsonValue* tensors = root.find("tensors");
  if (tensors == nullptr || tensors->type != JsonValue::Type::kArray) {
    *error = "the manifest has no \"tensors\" list";
    return false;
  }
  for (const JsonValue& t : tensors->array) {
    DumpTensor d;
    d.index = static_cast<int32_t>(t.intOr("index", 0));
    d.name = t.stringOr("name", "");
    d.type = t.stringOr("type", "");
    d.shape = intList(t.find("shape"));
    if (const JsonValue* s = t.find("scale")) {
      for (const JsonValue& e : s->array) d.scale.push_back(e.number);
    }
    if (const JsonValue* z = t.find("zero_point")) {
      for (const JsonValue& e : z->array) d.zeroPoint.push_back(static_cast<int64_t>(e.number));
    }
    d.quantizedDimension = static_cast<int32_t>(t.intOr("quantized_dimension", 0));
    d.quantChannels =
        static_cast<int32_t>(t.intOr("quant_channels", static_cast<int64_t>(d.scale.size())));
    d.isConstant = t.boolOr("is_constant", false);
    d.isVariable = t.boolOr("is_variable", false);
    d.producerOp = static_cast<int32_t>(t.intOr("producer_op", -1));
    d.producerOpName = stringOrEmpty(t, "producer_op_name");
    d.modelInput = static_cast<int32_t>(t.intOr("model_input", -1));
    d.modelOutput = static_cast<int32_t>(t.intOr("model_output", -1));
    d.bytes = static_cast<uint64_t>(t.intOr("bytes", 0));
    d.file = stringOrEmpty(t, "file");
    m->tensors.push_back(d);
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
  w.key("operators").beginArray();
  for (const DumpOperator& o : m.operators) {
    w.beginObject();
    w.key("index").value(o.index);
    w.key("op").value(o.op);
    w.key("inputs").numbers(o.inputs);
    w.key("outputs").numbers(o.outputs);
    w.endObject();
  }
  w.endArray();
  w.key("tensors").beginArray();
  for (const DumpTensor& t : m.tensors) {
    w.beginObject();
    w.key("index").value(t.index);
    w.key("name").value(t.name);
    w.key("type").value(t.type);
    w.key("shape").numbers(t.shape);
    w.key("scale").numbers(t.scale);
    w.key("zero_point").numbers(t.zeroPoint);
    w.key("quantized_dimension").value(t.quantizedDimension);
    w.key("is_constant").value(t.isConstant);
    w.key("is_variable").value(t.isVariable);
    w.key("producer_op").value(t.producerOp);
    if (t.producerOpName.empty())
      w.key("producer_op_name").null();
    else
      w.key("producer_op_name").value(t.producerOpName);
    w.key("model_input").value(t.modelInput);
    w.key("model_output").value(t.modelOutput);
    w.key("bytes").value(t.bytes);
    if (t.file.empty())
      w.key("file").null();
    else
      w.key("file").value(t.file);
    w.key("quant_channels").value(t.quantChannels);
    w.endObject();
  }
  w.endArray();
  w.endObject();
  return w.str() + "\n";
}

bool readDump(const std::string& dir, TensorDump* out, std::string* error) {
  std::string localError;
  std::string* err = error != nullptr ? error : &localError;
  *out = TensorDump();
  std::vector<uint8_t> bytes;
  if (!readBinaryFile(dir + "/manifest.json", &bytes, err)) return false;
  if (!parseManifest(std::string(bytes.begin(), bytes.end()), &out->manifest, err)) {
    *err = dir + "/manifest.json: " + *err;
    return false;
  }
  readBinaryFile(dir + "/input.bin", &out->input, nullptr);
  for (size_t k = 0; k < out->manifest.outputs.size(); ++k) {
    std::vector<uint8_t> o;
    readBinaryFile(
        dir + (k == 0 ? std::string("/output.bin") : "/output" + std::to_string(k) + ".bin"), &o,
        nullptr);
    out->outputs.push_back(std::move(o));
  }
  if (!out->manifest.tensorsDumped) return true;
  for (const DumpTensor& t : out->manifest.tensors) {
    if (t.file.empty()) continue;
    std::vector<uint8_t> data;
    if (!readBinaryFile(dir + "/" + t.file, &data, err)) return false;
    if (data.size() != t.bytes) {
      *err = dir + "/" + t.file + " holds " + std::to_string(data.size()) +
             " bytes, the manifest says " + std::to_string(t.bytes);
      return false;
    }
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
  man.oracle = "tinyscope model_runner reference kernels, fresh interpreter, single invoke";
  man.modelBytes = model.bytes.size();
  man.numSubgraphs = static_cast<int32_t>(m.numSubgraphs());
  // One interpreter both runs and dumps (tensors are copied by the observer as produced).
  man.arenaUsedBytes = run.arenaUsedBytes;
  man.arenaUsedBytesPreserveAll = run.arenaUsedBytes;
  man.preserveAllOutputMatches = true;
  bool anyCaptured = false;
  for (bool c : run.captured) anyCaptured = anyCaptured || c;
  man.tensorsDumped = anyCaptured;
  const fb::Vector ins = m.inputs(), outs = m.outputs();
  for (uint32_t i = 0; i < ins.size(); ++i) man.inputs.push_back(ins.i32(i));
  for (uint32_t i = 0; i < outs.size(); ++i) man.outputs.push_back(outs.i32(i));
  std::vector<int32_t> producer(m.numTensors(), -1);
  std::vector<std::string> producerName(m.numTensors());
  for (uint32_t o = 0; o < m.numOperators(); ++o) {
    const OperatorDesc op = m.op(o);
    DumpOperator d;
    d.index = static_cast<int32_t>(o);
    d.op = manifestOpName(op);
    for (uint32_t i = 0; i < op.inputs.size(); ++i) d.inputs.push_back(op.inputs.i32(i));
    for (uint32_t i = 0; i < op.outputs.size(); ++i) {
      const int32_t t = op.outputs.i32(i);
      d.outputs.push_back(t);
      producer[static_cast<size_t>(t)] = static_cast<int32_t>(o);
      producerName[static_cast<size_t>(t)] = d.op;
    }
    man.operators.push_back(d);
  }
  for (uint32_t t = 0; t < m.numTensors(); ++t) {
    const TensorDesc d = m.tensor(t);
    DumpTensor dt;
    dt.index = static_cast<int32_t>(t);
    dt.name.assign(d.name.chars != nullptr ? d.name.chars : "", d.name.length);
    dt.type = schema::tensorTypeName(d.type);
    dt.shape.assign(d.dims, d.dims + d.rank);
    dt.quantChannels = static_cast<int32_t>(d.numChannels());
    if (!(d.isConstant() && d.numChannels() > 1)) {
      for (uint32_t c = 0; c < d.scales.size(); ++c)
        dt.scale.push_back(static_cast<double>(d.scales.f32(c)));
      for (uint32_t c = 0; c < d.zeroPoints.size(); ++c)
        dt.zeroPoint.push_back(d.zeroPoints.i64(c));
    }
    dt.quantizedDimension = d.quantizedDimension;
    dt.isConstant = d.isConstant();
    dt.isVariable = d.isVariable;
    if (!d.isConstant()) {
      dt.producerOp = producer[t];
      dt.producerOpName = producerName[t];
    }
    for (uint32_t i = 0; i < ins.size(); ++i) {
      if (ins.i32(i) == static_cast<int32_t>(t)) dt.modelInput = static_cast<int32_t>(i);
    }
    for (uint32_t i = 0; i < outs.size(); ++i) {
      if (outs.i32(i) == static_cast<int32_t>(t)) dt.modelOutput = static_cast<int32_t>(i);
    }
    dt.bytes = d.bytes;
    if (!d.isConstant() && t < run.captured.size() && run.captured[t]) {
      dt.file = "tensors/T" + std::to_string(t) + ".bin";
      out->data[dt.index] = run.tensorBytes[t];
    }
    man.tensors.push_back(dt);
  }
  out->input = input;
  out->outputs = run.outputs;
  return true;
}

}  // namespace tinyscope::runner::host
