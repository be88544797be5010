#include "app/core/inputs/input_recipe.h"

#include <sndfile.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "model_runner/host/file_io.h"
#include "model_runner/host/host_runner.h"

namespace tinyscope::inputs {

namespace rh = tinyscope::runner::host;

namespace {

QString q(const std::string& s) {
  return QString::fromStdString(s);
}

QString absoluteIn(const QString& baseDir, const QString& path) {
  if (path.isEmpty()) return {};
  return QFileInfo(path).isAbsolute() ? path : QDir(baseDir).absoluteFilePath(path);
}

// One real value into the input tensor's element `i` (int8, uint8 or float32).
bool storeQuantized(const rh::SummaryTensor& t, size_t i, double real, std::vector<uint8_t>* out) {
  const double scale = t.scale.empty() ? 0.0 : t.scale[0];
  const double zp = t.zeroPoint.empty() ? 0.0 : static_cast<double>(t.zeroPoint[0]);
  if (t.type == "float32") {
    const float f = static_cast<float>(real);
    std::memcpy(out->data() + i * 4, &f, 4);
    return true;
  }
  if (scale <= 0.0) return false;
  const double v = std::round(real / scale) + zp;
  if (t.type == "int8")
    (*out)[i] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(v, -128.0, 127.0)));
  else
    (*out)[i] = static_cast<uint8_t>(std::clamp(v, 0.0, 255.0));
  return true;
}

QString tensorText(const rh::SummaryTensor& t) {
  QStringList dims;
  for (int32_t d : t.shape) dims << QString::number(d);
  return QStringLiteral("input 0 ('%1', %2 [%3])")
      .arg(q(t.name), q(t.type), dims.join(QLatin1Char(',')));
}

bool quantizable(const rh::SummaryTensor& t, QString* error) {
  const bool ok = t.type == "float32" ||
                  ((t.type == "int8" || t.type == "uint8") && !t.scale.empty() && t.scale[0] > 0);
  if (!ok)
    *error =
        QStringLiteral("%1 is not a quantized int8/uint8 or float32 tensor").arg(tensorText(t));
  return ok;
}

bool buildWindow(const InputRecipe& r, const rh::SummaryTensor& t, const QString& path,
                 const std::vector<float>* raw, BuiltInput* out, QString* error) {
  const size_t need = static_cast<size_t>(r.windowLength) * static_cast<size_t>(r.axes.size());
  const size_t elementBytes = t.type == "float32" ? 4 : 1;
  if (!quantizable(t, error)) return false;
  if (need * elementBytes != t.bytes) {
    *error =
        QStringLiteral("the recipe's window (%1 samples x %2 axes) does not fill %3 (%4 bytes)")
            .arg(r.windowLength)
            .arg(r.axes.size())
            .arg(tensorText(t))
            .arg(t.bytes);
    return false;
  }
  std::vector<float> fromFile;
  if (!raw) {  // a file of little-endian int16 raw samples
    std::vector<uint8_t> bytes;
    std::string err;
    if (!rh::readBinaryFile(path.toStdString(), &bytes, &err, need * 2)) {
      *error = q(err);
      return false;
    }
    if (bytes.size() != need * 2) {
      *error = QStringLiteral("%1 has %2 bytes, but a window of %3 int16 samples needs %4 bytes")
                   .arg(path)
                   .arg(bytes.size())
                   .arg(need)
                   .arg(need * 2);
      return false;
    }
    for (size_t k = 0; k < need; ++k)
      fromFile.push_back(static_cast<float>(
          static_cast<int16_t>(static_cast<uint16_t>(bytes[2 * k] | (bytes[2 * k + 1] << 8)))));
    raw = &fromFile;
    out->description = QStringLiteral("window %1").arg(path);
  } else {
    out->description = QStringLiteral("window of the newest %1 stream samples").arg(r.windowLength);
  }
  if (raw->size() < need) {
    *error = QStringLiteral("the stream has not delivered %1 samples of %2 channels yet")
                 .arg(r.windowLength)
                 .arg(r.axes.size());
    return false;
  }
  out->bytes.assign(t.bytes, 0);
  const size_t first = raw->size() - need;
  for (size_t k = 0; k < need; ++k)
    storeQuantized(t, k, static_cast<double>((*raw)[first + k]) / r.rawPerUnit, &out->bytes);
  return true;
}

bool buildImage(const InputRecipe& r, const rh::SummaryTensor& t, const QString& path,
                BuiltInput* out, QString* error) {
  if (!quantizable(t, error)) return false;
  if (t.shape.size() != 4 || t.shape[0] != 1 || (t.shape[3] != 1 && t.shape[3] != 3)) {
    *error = QStringLiteral("%1 is not an image of 1 (grayscale) or 3 (RGB) channels [1,H,W,C]")
                 .arg(tensorText(t));
    return false;
  }
  const int h = t.shape[1], w = t.shape[2], channels = t.shape[3];
  const QFileInfo info(path);
  if (!info.isFile()) {
    *error = QStringLiteral("%1 is not a readable image file").arg(path);
    return false;
  }
  if (info.size() > kMaxImageFileBytes) {
    *error = QStringLiteral("%1 has %2 bytes, more than the %3 bytes an image may have")
                 .arg(path)
                 .arg(info.size())
                 .arg(kMaxImageFileBytes);
    return false;
  }
  QImageReader reader(path);
  const QSize size = reader.size();
  if (size.isValid() && (size.width() > kMaxImageSide || size.height() > kMaxImageSide)) {
    *error = QStringLiteral("%1 is %2x%3 pixels, larger than %4 on a side")
                 .arg(path)
                 .arg(size.width())
                 .arg(size.height())
                 .arg(kMaxImageSide);
    return false;
  }
  QImage image = reader.read();
  if (image.isNull()) {
    *error = QStringLiteral("%1 is not an image Qt can read (%2)").arg(path, reader.errorString());
    return false;
  }
  image = image.scaled(w, h, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
              .convertToFormat(channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
  const size_t elementBytes = t.type == "float32" ? 4 : 1;
  out->bytes.assign(t.bytes, 0);
  if (static_cast<size_t>(w) * h * channels * elementBytes != t.bytes) {
    *error = QStringLiteral("%1 holds %2 bytes, not one image").arg(tensorText(t)).arg(t.bytes);
    return false;
  }
  const double span = (r.pixelMax - r.pixelMin) / 255.0;
  for (int y = 0; y < h; ++y) {
    const uchar* line = image.constScanLine(y);
    for (int x = 0; x < w * channels; ++x)
      storeQuantized(t, static_cast<size_t>(y) * w * channels + x, r.pixelMin + line[x] * span,
                     &out->bytes);
  }
  out->description = QStringLiteral("image %1 (%2x%3 %4, resized to %5x%6)")
                         .arg(path)
                         .arg(size.width())
                         .arg(size.height())
                         .arg(channels == 1 ? QStringLiteral("grayscale") : QStringLiteral("RGB"))
                         .arg(w)
                         .arg(h);
  return true;
}

bool readWav(const QString& path, int rate, std::vector<int16_t>* pcm, QString* error,
             bool pcm16Only = false) {
  const QFileInfo info(path);
  if (!info.isFile()) {
    *error = QStringLiteral("%1 is not a readable WAV file").arg(path);
    return false;
  }
  SF_INFO sf{};
  SNDFILE* f = sf_open(QFile::encodeName(path).constData(), SFM_READ, &sf);
  if (!f) {
    *error = QStringLiteral("%1 is not a sound file libsndfile can read (%2)")
                 .arg(path, QString::fromUtf8(sf_strerror(nullptr)));
    return false;
  }
  bool ok = false;
  if (pcm16Only && (sf.format & SF_FORMAT_SUBMASK) != SF_FORMAT_PCM_16)
    *error =
        QStringLiteral("%1 is not 16-bit PCM; the audio sensor hears 16-bit samples").arg(path);
  else if (sf.channels != 1)
    *error = QStringLiteral("%1 has %2 channels; the recipe needs mono").arg(path).arg(sf.channels);
  else if (sf.samplerate != rate)
    *error = QStringLiteral("%1 is sampled at %2 Hz; %3 needs %4 Hz")
                 .arg(path)
                 .arg(sf.samplerate)
                 .arg(pcm16Only ? QStringLiteral("the audio sensor") : QStringLiteral("the recipe"))
                 .arg(rate);
  else if (sf.frames < 0 || sf.frames > kMaxAudioSeconds * rate)
    *error = QStringLiteral("%1 is longer than %2 s").arg(path).arg(kMaxAudioSeconds);
  else {
    pcm->assign(static_cast<size_t>(sf.frames), 0);
    ok = sf_readf_short(f, pcm->data(), sf.frames) == sf.frames;
    if (!ok) *error = QStringLiteral("%1: reading the samples failed").arg(path);
  }
  sf_close(f);
  return ok;
}

bool buildAudio(const InputRecipe& r, const rh::SummaryTensor& t, const QString& path,
                BuiltInput* out, QString* error) {
  AudioPlan plan;
  if (!planAudio(r, t, &plan, error)) return false;
  std::vector<int16_t> pcm;
  if (!readWav(path, r.sampleRateHz, &pcm, error)) return false;
  FrontEndRun run;
  if (!runFrontEnd(plan, pcm, false, &run, error)) return false;
  out->bytes = std::move(run.features);
  out->description = QStringLiteral("audio %1 (%2 Hz, %3 windows of %4 ms every %5 ms via %6)")
                         .arg(path)
                         .arg(r.sampleRateHz)
                         .arg(plan.windows)
                         .arg(r.windowMs)
                         .arg(r.strideMs)
                         .arg(QFileInfo(r.frontEndModel).fileName());
  return true;
}

}  // namespace

bool readPcm16Wav(const QString& path, int rateHz, std::vector<int16_t>* pcm, QString* error) {
  return readWav(path, rateHz, pcm, error, true);
}

bool planAudio(const InputRecipe& r, const rh::SummaryTensor& t, AudioPlan* out, QString* error) {
  std::string err;
  if (r.frontEndModel.isEmpty()) {
    *error = QStringLiteral("the audio recipe names no front_end_model");
    return false;
  }
  if (!rh::loadModelFile(r.frontEndModel.toStdString(), &out->frontEnd, &err)) {
    *error = q(err);
    return false;
  }
  rh::ModelSummary& fs = out->frontEndSummary;
  if (!rh::buildModelSummary(out->frontEnd.bytes.data(), out->frontEnd.bytes.size(), &fs, &err) ||
      fs.inputs.size() != 1 || fs.outputs.empty()) {
    *error = QStringLiteral("front-end model %1: %2")
                 .arg(r.frontEndModel, err.empty() ? QStringLiteral("needs one input") : q(err));
    return false;
  }
  const rh::SummaryTensor& fin = fs.tensors[static_cast<size_t>(fs.inputs[0])];
  const rh::SummaryTensor& fout = fs.tensors[static_cast<size_t>(fs.outputs[0])];
  const size_t window = static_cast<size_t>(r.sampleRateHz) * r.windowMs / 1000;
  const size_t stride = static_cast<size_t>(r.sampleRateHz) * r.strideMs / 1000;
  if (fin.type != "int16" || fin.bytes != window * 2) {
    *error = QStringLiteral(
                 "front-end model %1: its input is %2 %3 bytes, not %4 int16 samples "
                 "(%5 ms at %6 Hz)")
                 .arg(r.frontEndModel, q(fin.type))
                 .arg(fin.bytes)
                 .arg(window)
                 .arg(r.windowMs)
                 .arg(r.sampleRateHz);
    return false;
  }
  if (fout.type != t.type || fout.bytes == 0 || t.bytes % fout.bytes != 0 || stride == 0) {
    *error = QStringLiteral(
                 "front-end model %1 gives %2 bytes of %3 per window, which do not tile "
                 "%4 (%5 bytes)")
                 .arg(r.frontEndModel)
                 .arg(fout.bytes)
                 .arg(q(fout.type), tensorText(t))
                 .arg(t.bytes);
    return false;
  }
  out->windowSamples = window;
  out->strideSamples = stride;
  out->windows = static_cast<size_t>(t.bytes / fout.bytes);
  return true;
}

bool runFrontEnd(const AudioPlan& plan, std::vector<int16_t> pcm, bool captureTensors,
                 FrontEndRun* out, QString* error) {
  std::string err;
  pcm.resize(std::max(pcm.size(), plan.samplesNeeded()), 0);  // silence after the end
  rh::ModelInstance instance;  // one interpreter for every window: the front-end keeps state
  rh::RunOptions options;
  options.captureTensors = captureTensors;
  if (!instance.open(plan.frontEnd, options, &err)) {
    *error = q(err);
    return false;
  }
  out->features.clear();
  out->windows.clear();
  std::vector<uint8_t> frame(plan.windowSamples * 2);
  for (size_t k = 0; k < plan.windows; ++k) {
    std::memcpy(frame.data(), pcm.data() + k * plan.strideSamples,
                frame.size());  // little-endian host
    rh::RunResult result;
    if (!instance.run({frame}, &result, &err)) {
      *error = QStringLiteral("front-end model %1, window %2: %3")
                   .arg(q(plan.frontEnd.path))
                   .arg(k)
                   .arg(q(err));
      return false;
    }
    out->features.insert(out->features.end(), result.outputs[0].begin(), result.outputs[0].end());
    if (captureTensors) out->windows.push_back(std::move(result));
  }
  return true;
}

const char* inputKindName(InputKind kind) {
  switch (kind) {
    case InputKind::kTensorFile:
      return "tensor-file";
    case InputKind::kWindow:
      return "window";
    case InputKind::kImage:
      return "image";
    case InputKind::kAudio:
      return "audio";
  }
  return "?";
}

const QStringList& imageFileSuffixes() {
  static const QStringList kSuffixes = {QStringLiteral("png"), QStringLiteral("bmp"),
                                        QStringLiteral("pgm"), QStringLiteral("ppm"),
                                        QStringLiteral("jpg"), QStringLiteral("jpeg")};
  return kSuffixes;
}

bool isImageFile(const QString& path) {
  return imageFileSuffixes().contains(QFileInfo(path).suffix().toLower());
}

bool parseRecipe(const QJsonObject& input, const QString& baseDir, InputRecipe* out,
                 QString* error) {
  InputRecipe r;
  QString kind = input.value(QStringLiteral("recipe")).toString();
  if (kind.isEmpty() && input.contains(QStringLiteral("window_length")) &&
      input.contains(QStringLiteral("axes")))
    kind = QStringLiteral("window");
  bool known = false;
  for (InputKind k :
       {InputKind::kTensorFile, InputKind::kWindow, InputKind::kImage, InputKind::kAudio})
    if (kind == QLatin1String(inputKindName(k))) {
      r.kind = k;
      known = true;
    }
  if (!known) {
    *error = kind.isEmpty() ? QStringLiteral("the sidecar's input has no \"recipe\"")
                            : QStringLiteral(
                                  "input.recipe '%1' is not one of tensor-file, window, "
                                  "image, audio")
                                  .arg(kind);
    return false;
  }
  r.source = absoluteIn(baseDir, input.value(QStringLiteral("source")).toString());
  if (r.kind == InputKind::kWindow) {
    r.windowLength = input.value(QStringLiteral("window_length")).toInt();
    for (const QJsonValue& a : input.value(QStringLiteral("axes")).toArray())
      r.axes << a.toString();
    r.rawPerUnit = input.value(QStringLiteral("raw_counts_per_g")).toDouble(1.0);
    if (r.windowLength <= 0 || r.windowLength > (1 << 20) || r.axes.isEmpty() ||
        r.axes.size() > 64 || !(r.rawPerUnit > 0)) {
      *error = QStringLiteral(
          "the window recipe needs window_length (1..1048576), axes (1..64 "
          "names) and a positive raw_counts_per_g");
      return false;
    }
  } else if (r.kind == InputKind::kImage) {
    const QJsonArray range = input.value(QStringLiteral("pixel_range")).toArray();
    if (!range.isEmpty()) {
      if (range.size() != 2 || !range[0].isDouble() || !range[1].isDouble()) {
        *error = QStringLiteral("input.pixel_range must be [low, high]");
        return false;
      }
      r.pixelMin = range[0].toDouble();
      r.pixelMax = range[1].toDouble();
    }
  } else if (r.kind == InputKind::kAudio) {
    r.frontEndModel =
        absoluteIn(baseDir, input.value(QStringLiteral("front_end_model")).toString());
    r.sampleRateHz = input.value(QStringLiteral("sample_rate_hz")).toInt(16000);
    r.windowMs = input.value(QStringLiteral("window_ms")).toInt(30);
    r.strideMs = input.value(QStringLiteral("stride_ms")).toInt(20);
    if (r.frontEndModel.isEmpty() || r.sampleRateHz < 1000 || r.sampleRateHz > 192000 ||
        r.windowMs < 1 || r.windowMs > 1000 || r.strideMs < 1 || r.strideMs > 1000) {
      *error = QStringLiteral(
          "the audio recipe needs front_end_model, sample_rate_hz "
          "(1000..192000), window_ms and stride_ms (1..1000)");
      return false;
    }
  }
  *out = r;
  return true;
}

bool loadRecipeFile(const QString& path, InputRecipe* out, QString* error) {
  QFile f(path);
  if (!QFileInfo(path).isFile() || !f.open(QIODevice::ReadOnly)) {
    *error = QStringLiteral("cannot read the recipe %1").arg(path);
    return false;
  }
  if (f.size() > (qint64{1} << 20)) {
    *error = QStringLiteral("%1 is larger than 1 MiB").arg(path);
    return false;
  }
  QJsonParseError pe;
  const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
  if (!doc.isObject()) {
    *error = QStringLiteral("%1 is not a JSON object (%2)").arg(path, pe.errorString());
    return false;
  }
  const QJsonObject o = doc.object();
  const QJsonObject input =
      o.contains(QStringLiteral("input")) ? o.value(QStringLiteral("input")).toObject() : o;
  if (!parseRecipe(input, QFileInfo(path).absolutePath(), out, error)) {
    *error = path + QStringLiteral(": ") + *error;
    return false;
  }
  return true;
}

bool loadRecipeFor(const QString& modelPath, InputRecipe* out, QString* error) {
  const QFileInfo model(modelPath);
  const QString path =
      model.absolutePath() + QLatin1Char('/') + model.completeBaseName() + QStringLiteral(".json");
  if (!QFileInfo(path).isFile()) {
    *error = QStringLiteral("%1 has no input recipe (no sidecar %2)").arg(model.fileName(), path);
    return false;
  }
  return loadRecipeFile(path, out, error);
}

bool buildInput(const InputRecipe& recipe, const rh::ModelSummary& model, const QString& sourcePath,
                BuiltInput* out, QString* error, const std::vector<float>* rawWindow) {
  if (model.inputs.empty()) {
    *error = QStringLiteral("the model has no inputs");
    return false;
  }
  const rh::SummaryTensor& t = model.tensors.at(static_cast<size_t>(model.inputs[0]));
  const QString path = sourcePath.isEmpty() ? recipe.source : sourcePath;
  if (path.isEmpty() && !(recipe.kind == InputKind::kWindow && rawWindow)) {
    *error = QStringLiteral("the %1 recipe has no source file: choose an input")
                 .arg(QLatin1String(inputKindName(recipe.kind)));
    return false;
  }
  switch (recipe.kind) {
    case InputKind::kTensorFile: {
      std::string err;
      if (!rh::readBinaryFile(path.toStdString(), &out->bytes, &err, t.bytes)) {
        *error = q(err);
        return false;
      }
      if (out->bytes.size() != t.bytes) {
        *error = QStringLiteral("%1 has %2 bytes, but the model's input 0 needs %3 bytes")
                     .arg(path)
                     .arg(out->bytes.size())
                     .arg(t.bytes);
        return false;
      }
      out->description = QStringLiteral("tensor file %1").arg(path);
      return true;
    }
    case InputKind::kWindow:
      return buildWindow(recipe, t, path, rawWindow, out, error);
    case InputKind::kImage:
      return buildImage(recipe, t, path, out, error);
    case InputKind::kAudio:
      return buildAudio(recipe, t, path, out, error);
  }
  return false;
}

}  // namespace tinyscope::inputs
