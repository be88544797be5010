// Verbs over model files and tensor dumps: inspect, run, bench, compare. Thin shells over
// model_runner/host; all numbers come from there.
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cmath>

#include "app/cli/cli_common.h"
#include "app/cli/input_options.h"
#include "app/cli/verbs.h"
#include "model_runner/host/host_runner.h"
#include "model_runner/host/input_generator.h"
#include "model_runner/host/model_summary.h"
#include "model_runner/host/tensor_comparator.h"
#include "model_runner/host/tensor_dump.h"
#include "model_runner/host/thread_pool.h"

namespace tinyscope::cli {

namespace rh = tinyscope::runner::host;

namespace {

const QCommandLineOption kJsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));

QString q(const std::string& s) {
  return QString::fromStdString(s);
}
std::string s(const QString& v) {
  return v.toStdString();
}

QString shapeText(const std::vector<int32_t>& shape) {
  QStringList parts;
  for (int32_t d : shape) parts << QString::number(d);
  return QLatin1Char('[') + parts.join(QLatin1Char(',')) + QLatin1Char(']');
}

bool loadModel(const QString& verb, const QString& path, rh::ModelFile* model, int* code) {
  std::string error;
  if (!rh::loadModelFile(s(path), model, &error)) {
    *code = fail(verb, q(error), kExitUsage);
    return false;
  }
  return true;
}

// Input 0 from --seed K (the golden cases' xorshift32 generator).
bool readSeed(const QString& verb, const QCommandLineParser& p, const QCommandLineOption& seed,
              size_t expectedBytes, std::vector<uint8_t>* out, int64_t* seedOut, int* code) {
  bool ok = false;
  const qint64 k = p.value(seed).toLongLong(&ok);
  if (!ok || k < 0 || k > 0xFFFFFFFFLL) {
    *code =
        fail(verb, QStringLiteral("--seed '%1' is not a number 0..4294967295").arg(p.value(seed)),
             kExitUsage);
    return false;
  }
  *out = rh::xorshift32Bytes(static_cast<uint32_t>(k), expectedBytes);
  *seedOut = k;
  return true;
}

QCommandLineOption kernelsOption() {
  return QCommandLineOption(
      QStringLiteral("kernels"),
      QStringLiteral("reference (the kernels the device runs) or optimized (bit-exact desktop "
                     "SIMD kernels; default where built)."),
      QStringLiteral("SET"));
}

// --kernels reference|optimized; the build's default when absent.
bool readKernels(const QString& verb, const QCommandLineParser& p, const QCommandLineOption& opt,
                 rh::Kernels* out, int* code) {
  *out = rh::defaultKernels();
  if (!p.isSet(opt)) return true;
  if (!rh::parseKernels(s(p.value(opt)), out)) {
    *code = fail(
        verb, QStringLiteral("--kernels '%1' is not one of reference, optimized").arg(p.value(opt)),
        kExitUsage);
    return false;
  }
  if (*out == rh::Kernels::kOptimized && !rh::optimizedKernelsAvailable()) {
    *code = fail(
        verb,
        QStringLiteral("--kernels optimized: this build has no optimized kernels (x86-64 only)"),
        kExitUsage);
    return false;
  }
  return true;
}

QString kernelsText(rh::Kernels k) {
  return k == rh::Kernels::kOptimized
             ? QStringLiteral("optimized (%1)").arg(QString::fromLatin1(rh::optimizedKernelsIsa()))
             : QStringLiteral("reference");
}

// Bytes of the model's input 0; false + one sentence naming the model (and the tensor) if none.
bool inputBytes(const rh::ModelFile& model, size_t* bytes, std::string* error) {
  rh::ModelSummary summary;
  if (!rh::buildModelSummary(model.bytes.data(), model.bytes.size(), &summary, error)) {
    *error = model.path + ": " + *error;
    return false;
  }
  if (summary.inputs.empty()) {
    *error = model.path + ": the model has no inputs";
    return false;
  }
  const rh::SummaryTensor& t = summary.tensors.at(static_cast<size_t>(summary.inputs[0]));
  *bytes = t.bytes;
  if (*bytes == 0) {  // the verifier refuses this; the check keeps the message clear regardless
    *error = model.path + ": input 0 (tensor " + std::to_string(t.index) + " '" + t.name +
             "') holds no bytes";
    return false;
  }
  return true;
}

}  // namespace

int runInspect(const QStringList& args) {
  const QString verb = QStringLiteral("inspect");
  QCommandLineParser p;
  p.addOption(kJsonOpt);
  p.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("A .tflite file."));
  if (int c = parseVerbArgs(
          p, args, verb,
          QStringLiteral("Show a model's operators, tensors, MACs and planned arena."), 1, 1);
      c >= 0)
    return c;
  rh::ModelFile model;
  int code = 0;
  if (!loadModel(verb, p.positionalArguments().at(0), &model, &code)) return code;
  rh::ModelSummary sum;
  std::string error;
  if (!rh::buildModelSummary(model.bytes.data(), model.bytes.size(), &sum, &error))
    return fail(verb, QStringLiteral("%1: %2").arg(q(model.path), q(error)), kExitUsage);
  if (p.isSet(kJsonOpt)) {
    out() << q(rh::summaryToJson(sum));
    out().flush();
    return kExitOk;
  }
  out() << q(model.name) << ": " << sum.modelBytes << " bytes, schema v" << sum.schemaVersion
        << ", " << sum.operators.size() << " operators, " << sum.tensors.size() << " tensors, "
        << sum.totalMacs << " MACs\n";
  if (sum.runnable)
    out() << "arena       " << sum.arenaBytes << " bytes planned (" << sum.arenaPersistentBytes
          << " persistent), " << sum.constantBytes << " bytes of constants\n";
  else
    out() << "not runnable: " << q(sum.allocateError) << "\n";
  out() << "\nOperators\n  #   op                              MACs  inputs -> outputs\n";
  for (const rh::SummaryOperator& op : sum.operators) {
    QStringList in, outs;
    for (int32_t t : op.inputs) in << QString::number(t);
    for (int32_t t : op.outputs) outs << QString::number(t);
    out() << QString::number(op.index).rightJustified(3) << "  " << q(op.op).leftJustified(28)
          << QString::number(op.macs).rightJustified(10) << "  " << in.join(QLatin1Char(','))
          << " -> " << outs.join(QLatin1Char(',')) << (op.supported ? "" : "   (unsupported)")
          << "\n";
  }
  out() << "\nTensors\n  #   type    shape              scale         zp  bytes     name\n";
  for (const rh::SummaryTensor& t : sum.tensors) {
    QString scale = t.scale.empty()       ? QStringLiteral("-")
                    : t.scale.size() == 1 ? QString::number(static_cast<double>(t.scale[0]), 'g', 6)
                                          : QStringLiteral("%1 ch").arg(t.scale.size());
    QString zp = t.zeroPoint.empty()       ? QStringLiteral("-")
                 : t.zeroPoint.size() == 1 ? QString::number(t.zeroPoint[0])
                                           : QStringLiteral("…");
    out() << QString::number(t.index).rightJustified(3) << "  " << q(t.type).leftJustified(7) << " "
          << shapeText(t.shape).leftJustified(18) << " " << scale.leftJustified(12) << " "
          << zp.rightJustified(4) << "  " << QString::number(t.bytes).leftJustified(9) << " "
          << q(t.name) << (t.isConstant ? "  (const)" : "") << (t.isVariable ? "  (state)" : "")
          << "\n";
  }
  out().flush();
  return kExitOk;
}

int runRun(const QStringList& args) {
  const QString verb = QStringLiteral("run");
  QCommandLineParser p;
  const QCommandLineOption input(QStringLiteral("input"), QStringLiteral("Raw bytes of input 0."),
                                 QStringLiteral("FILE"));
  const QCommandLineOption seed(
      QStringLiteral("seed"),
      QStringLiteral("Generate input 0 with xorshift32 from seed K (as the golden cases do)."),
      QStringLiteral("K"));
  const QCommandLineOption output(QStringLiteral("output"),
                                  QStringLiteral("Write output 0's raw bytes to FILE."),
                                  QStringLiteral("FILE"));
  const QCommandLineOption dump(
      QStringLiteral("dump"),
      QStringLiteral(
          "Write every tensor to DIR (golden layout: tensors/T<idx>.bin + manifest.json)."),
      QStringLiteral("DIR"));
  const QCommandLineOption kernels = kernelsOption();
  const QCommandLineOption threads(
      QStringLiteral("threads"),
      QStringLiteral("Split the output rows of large CONV_2D / DEPTHWISE_CONV_2D layers of the "
                     "optimized kernels across N threads (1 to %1, default 1; results are "
                     "bit-identical).")
          .arg(rh::kMaxThreads),
      QStringLiteral("N"), QStringLiteral("1"));
  for (const auto& o : {input, seed, output, dump, kernels, threads, kJsonOpt}) p.addOption(o);
  const InputOptions recipeOpts;
  recipeOpts.addTo(&p);
  p.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("A .tflite file."));
  if (int c = parseVerbArgs(p, args, verb,
                            QStringLiteral("Run a model once on the desktop runtime."), 1, 1);
      c >= 0)
    return c;
  int code = 0;
  rh::Kernels kernelSet = rh::Kernels::kReference;
  if (!readKernels(verb, p, kernels, &kernelSet, &code)) return code;
  rh::ModelFile model;
  if (!loadModel(verb, p.positionalArguments().at(0), &model, &code)) return code;
  std::string error;
  size_t need = 0;
  if (!inputBytes(model, &need, &error)) return fail(verb, q(error), kExitUsage);
  std::vector<uint8_t> in;
  int64_t inputSeed = -1;
  QString inputText;  // which input ran, printed with the result
  const bool fromRecipe = recipeOpts.wanted(p) || p.isSet(input);
  if (fromRecipe == p.isSet(seed))
    return fail(verb,
                QStringLiteral("give exactly one input: --input, --wav, --image or --input-recipe "
                               "FILE, or --seed K"),
                kExitUsage);
  if (fromRecipe) {
    rh::ModelSummary summary;
    if (!rh::buildModelSummary(model.bytes.data(), model.bytes.size(), &summary, &error))
      return fail(verb, q(model.path + ": " + error), kExitUsage);
    inputs::BuiltInput built;
    QString why;
    if (!buildInputFromOptions(p, recipeOpts, p.value(input), q(model.path), summary, &built, &why))
      return fail(verb, why, kExitUsage);
    in = std::move(built.bytes);
    inputText = built.description;
  } else {
    if (!readSeed(verb, p, seed, need, &in, &inputSeed, &code)) return code;
    inputText = QStringLiteral("xorshift32 seed %1").arg(inputSeed);
  }
  bool threadsOk = false;
  const int threadCount = p.value(threads).toInt(&threadsOk);
  if (!threadsOk || threadCount < 1 || threadCount > rh::kMaxThreads)
    return fail(verb,
                QStringLiteral("--threads '%1' is not a number from 1 to %2")
                    .arg(p.value(threads))
                    .arg(rh::kMaxThreads),
                kExitUsage);
  rh::RunOptions options;
  options.captureTensors = p.isSet(dump);
  options.kernels = kernelSet;
  options.threads = threadCount;
  rh::RunResult result;
  if (!rh::runModel(model, {in}, options, &result, &error))
    return fail(verb, q(error), kExitFailed);
  if (p.isSet(output) && result.outputs.empty())
    return fail(verb, QStringLiteral("%1: the model has no outputs to write").arg(q(model.path)),
                kExitUsage);
  if (p.isSet(output) && !rh::writeBinaryFile(s(p.value(output)), result.outputs[0], &error))
    return fail(verb, q(error), kExitUsage);
  if (p.isSet(dump)) {
    rh::TensorDump d;
    const std::string source = s(inputText);
    const std::string caseName = inputSeed >= 0 ? "seed" + std::to_string(inputSeed) : "file";
    if (!rh::makeDump(model, caseName, source, inputSeed, in, result, &d, &error) ||
        !rh::writeDump(s(p.value(dump)), d, &error))
      return fail(verb, q(error), kExitUsage);
  }
  double totalUs = 0;
  for (const rh::OpRecord& op : result.ops) totalUs += static_cast<double>(op.nanoseconds) / 1000.0;
  if (p.isSet(kJsonOpt)) {
    QJsonArray outs;
    for (const auto& o : result.outputs) {
      QJsonArray v;
      for (uint8_t b : o) v.append(static_cast<int8_t>(b));
      outs.append(v);
    }
    out() << QJsonDocument(
                 QJsonObject{
                     {QStringLiteral("model"), q(model.path)},
                     {QStringLiteral("input"), inputText},
                     {QStringLiteral("arena_bytes"), static_cast<qint64>(result.arenaUsedBytes)},
                     {QStringLiteral("kernels"), QString::fromLatin1(rh::kernelsName(kernelSet))},
                     {QStringLiteral("total_us"), totalUs},
                     {QStringLiteral("outputs_int8"), outs}})
                 .toJson(QJsonDocument::Indented);
  } else {
    out() << q(model.name) << ": " << result.ops.size() << " operators in "
          << QString::number(totalUs, 'f', 1) << QStringLiteral(" µs, arena ")
          << result.arenaUsedBytes << " bytes, " << kernelsText(kernelSet) << " kernels\n";
    out() << "input: " << inputText << "\n";
    for (size_t i = 0; i < result.outputs.size(); ++i) {
      const auto& o = result.outputs[i];
      out() << "output " << i << " (" << o.size() << " bytes):";
      for (size_t k = 0; k < std::min<size_t>(o.size(), 32); ++k)
        out() << ' ' << static_cast<int8_t>(o[k]);
      out() << (o.size() > 32 ? QStringLiteral(" …") : "") << "\n";
    }
    if (p.isSet(dump)) out() << "dump written to " << p.value(dump) << "\n";
  }
  out().flush();
  return kExitOk;
}

int runBench(const QStringList& args) {
  const QString verb = QStringLiteral("bench");
  QCommandLineParser p;
  const QCommandLineOption runs(QStringLiteral("runs"),
                                QStringLiteral("Timed inferences (default 50)."),
                                QStringLiteral("N"), QStringLiteral("50"));
  const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Input seed (default 1)."),
                                QStringLiteral("K"), QStringLiteral("1"));
  const QCommandLineOption kernels = kernelsOption();
  for (const auto& o : {runs, seed, kernels, kJsonOpt}) p.addOption(o);
  p.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("A .tflite file."));
  if (int c = parseVerbArgs(
          p, args, verb,
          QStringLiteral("Time inference: median and p90 µs, per-op medians, arena bytes."), 1, 1);
      c >= 0)
    return c;
  int code = 0;
  bool ok = false;
  const int n = p.value(runs).toInt(&ok);
  if (!ok || n < 1)
    return fail(verb, QStringLiteral("--runs '%1' is not a positive number").arg(p.value(runs)),
                kExitUsage);
  const uint32_t seedValue = p.value(seed).toUInt(&ok);
  if (!ok)
    return fail(verb, QStringLiteral("--seed '%1' is not a number").arg(p.value(seed)), kExitUsage);
  rh::Kernels kernelSet = rh::Kernels::kReference;
  if (!readKernels(verb, p, kernels, &kernelSet, &code)) return code;
  rh::ModelFile model;
  if (!loadModel(verb, p.positionalArguments().at(0), &model, &code)) return code;
  std::string error;
  size_t need = 0;
  if (!inputBytes(model, &need, &error)) return fail(verb, q(error), kExitUsage);
  rh::BenchResult b;
  if (!rh::benchModel(model, {rh::xorshift32Bytes(seedValue, need)}, n, std::min(n, 5), &b, &error,
                      kernelSet))
    return fail(verb, q(error), kExitFailed);
  if (p.isSet(kJsonOpt)) {
    QJsonArray ops;
    for (size_t i = 0; i < b.opNames.size(); ++i)
      ops.append(QJsonObject{{QStringLiteral("index"), static_cast<int>(i)},
                             {QStringLiteral("op"), q(b.opNames[i])},
                             {QStringLiteral("median_us"), b.perOpMedianUs[i]}});
    out() << QJsonDocument(
                 QJsonObject{
                     {QStringLiteral("model"), q(model.name)},
                     {QStringLiteral("runs"), b.iterations},
                     {QStringLiteral("median_us"), b.medianUs},
                     {QStringLiteral("p90_us"), b.p90Us},
                     {QStringLiteral("min_us"), b.minUs},
                     {QStringLiteral("arena_bytes"), static_cast<qint64>(b.arenaUsedBytes)},
                     {QStringLiteral("kernels"), QString::fromLatin1(rh::kernelsName(kernelSet))},
                     {QStringLiteral("instruction_set"),
                      QString::fromLatin1(kernelSet == rh::Kernels::kOptimized
                                              ? rh::optimizedKernelsIsa()
                                              : "reference")},
                     {QStringLiteral("ops"), ops}})
                 .toJson(QJsonDocument::Indented);
  } else {
    out() << q(model.name) << " (" << b.iterations << " runs): median "
          << QString::number(b.medianUs, 'f', 1) << QStringLiteral(" µs, p90 ")
          << QString::number(b.p90Us, 'f', 1) << QStringLiteral(" µs, min ")
          << QString::number(b.minUs, 'f', 1) << QStringLiteral(" µs, arena ") << b.arenaUsedBytes
          << " bytes, " << kernelsText(kernelSet) << " kernels\n";
    for (size_t i = 0; i < b.opNames.size(); ++i)
      out() << QString::number(i).rightJustified(5) << "  " << q(b.opNames[i]).leftJustified(30)
            << QString::number(b.perOpMedianUs[i], 'f', 2).rightJustified(10)
            << QStringLiteral(" µs\n");
  }
  out().flush();
  return kExitOk;
}

int runCompare(const QStringList& args) {
  const QString verb = QStringLiteral("compare");
  QCommandLineParser p;
  const QCommandLineOption tolerance(
      QStringLiteral("tolerance"),
      QStringLiteral("Allowed max |Δ| in quantized steps (default 0: exact)."),
      QStringLiteral("LSB"), QStringLiteral("0"));
  p.addOption(tolerance);
  p.addOption(kJsonOpt);
  p.addPositionalArgument(QStringLiteral("A"),
                          QStringLiteral("Reference dump directory (e.g. golden or desktop)."));
  p.addPositionalArgument(QStringLiteral("B"),
                          QStringLiteral("Dump directory under test (e.g. device)."));
  if (int c = parseVerbArgs(
          p, args, verb,
          QStringLiteral(
              "Compare two tensor dumps tensor by tensor; name the first diverging operator.\n"
              "Exit 0 when all tensors match within tolerance, 1 when not, 2 on bad input."),
          2, 2);
      c >= 0)
    return c;
  bool ok = false;
  const qint64 tol = p.value(tolerance).toLongLong(&ok);
  if (!ok || tol < 0)
    return fail(
        verb,
        QStringLiteral("--tolerance '%1' is not a non-negative integer").arg(p.value(tolerance)),
        kExitUsage);
  rh::TensorDump a, b;
  std::string error;
  for (int i = 0; i < 2; ++i) {
    const QString dir = p.positionalArguments().at(i);
    if (!QFileInfo(dir).isDir())
      return fail(verb, QStringLiteral("'%1' is not a directory").arg(dir), kExitUsage);
    if (!rh::readDump(s(dir), i == 0 ? &a : &b, &error))
      return fail(verb, q(error), kExitUsage);  // readDump names the file at fault
  }
  rh::DumpComparison cmp;
  if (!rh::compareDumps(a, b, &cmp, &error))
    return fail(verb,
                QStringLiteral("%1 vs %2: %3")
                    .arg(p.positionalArguments().at(0), p.positionalArguments().at(1), q(error)),
                kExitUsage);
  if (cmp.comparedTensors == 0)
    return fail(verb,
                QStringLiteral("%1 and %2 have no tensor data in common")
                    .arg(p.positionalArguments().at(0), p.positionalArguments().at(1)),
                kExitUsage);
  // Within tolerance: the first operator (in execution order) with an output beyond it.
  const rh::TensorComparison* first = nullptr;
  int beyond = 0;
  for (const rh::TensorComparison& t : cmp.tensors) {
    if (!t.compared || t.maxAbsDiff <= tol) continue;
    ++beyond;
    if (!first ||
        (t.producerOp >= 0 && (first->producerOp < 0 || t.producerOp < first->producerOp)))
      first = &t;
  }
  if (p.isSet(kJsonOpt)) {
    QJsonObject o =
        QJsonDocument::fromJson(QByteArray::fromStdString(rh::comparisonToJson(cmp))).object();
    o[QStringLiteral("tolerance")] = tol;
    o[QStringLiteral("within_tolerance")] = beyond == 0;
    o[QStringLiteral("tensors_beyond_tolerance")] = beyond;
    out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
  } else {
    out() << QStringLiteral(
        "  T#   op  producer                     elements    exact   max|Δ|  mean|Δ|   cosine    "
        "SNR dB   rel L2\n");
    for (const rh::TensorComparison& t : cmp.tensors) {
      if (!t.compared) continue;
      const QString snr = std::isinf(t.snrDb) || t.identical() ? QStringLiteral("inf")
                                                               : QString::number(t.snrDb, 'f', 1);
      out() << QString::number(t.index).rightJustified(4)
            << QString::number(t.producerOp).rightJustified(5) << "  "
            << q(t.producerOpName.empty() ? std::string("(input)") : t.producerOpName)
                   .leftJustified(26)
            << QString::number(t.elements).rightJustified(10)
            << QString::number(t.exactMatches).rightJustified(9)
            << QString::number(t.maxAbsDiff).rightJustified(9)
            << QString::number(t.meanAbsDiff, 'f', 3).rightJustified(9)
            << QString::number(t.cosine, 'f', 6).rightJustified(10) << snr.rightJustified(10)
            << QString::number(t.relativeL2, 'g', 3).rightJustified(9)
            << (t.maxAbsDiff > tol ? QStringLiteral("  ✗") : "") << "\n";
    }
    out() << "\n" << cmp.identicalTensors << " of " << cmp.comparedTensors << " tensors identical";
    if (tol > 0)
      out() << ", " << (cmp.comparedTensors - static_cast<quint64>(beyond))
            << QStringLiteral(" within ±") << tol << " LSB";
    out() << "\n";
    if (first)
      out() << "first diverging operator: #" << first->producerOp << " " << q(first->producerOpName)
            << " (tensor " << first->index << " '" << q(first->name)
            << QStringLiteral("', max |Δ| ") << first->maxAbsDiff << ")\n";
  }
  out().flush();
  return beyond == 0 ? kExitOk : kExitFailed;
}

}  // namespace tinyscope::cli
