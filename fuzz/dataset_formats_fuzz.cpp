// libFuzzer target: every dataset file reader on the same bytes (Edge Impulse JSON/CBOR with
// and without an HMAC key, the signature locator, info.labels, CSV, WAV/FLAC, Audacity labels,
// TextGrid). A reader may refuse the input; it may not crash, hang, leak or allocate from a
// size the input declares. With TINYSCOPE_FUZZ_SEED_DIR set, writes one seed file per format
// from the library's own writers and exits.
#include <QDir>
#include <QFile>
#include <cstdint>
#include <cstdlib>

#include "app/core/dataset/formats/audio_file.h"
#include "app/core/dataset/formats/csv_format.h"
#include "app/core/dataset/formats/ei_acquisition.h"
#include "app/core/dataset/formats/ei_folder.h"
#include "app/core/dataset/formats/label_files.h"

using namespace tinyscope::dataset::formats;

namespace {

void writeSeeds(const QString& dir) {
  QDir().mkpath(dir);
  Recording rec;
  rec.name = QStringLiteral("seed");
  rec.label = QStringLiteral("yes");
  rec.intervalMs = 0.0625;
  rec.axes = {{QStringLiteral("audio"), QStringLiteral("wav")}};
  for (int i = 0; i < 64; ++i) rec.values << (i * 997 % 2000) - 1000;
  rec.segments = {{4, 20, QStringLiteral("yes")}, {30, 30, QStringLiteral("click")}};
  auto save = [&](const QString& name, const QByteArray& bytes) {
    QFile f(QDir(dir).filePath(name));
    if (f.open(QIODevice::WriteOnly)) f.write(bytes);
  };
  save(QStringLiteral("seed.json"),
       encodeEiAcquisition(rec, EiEncoding::kJson, QStringLiteral("k")).value);
  save(QStringLiteral("seed.cbor"), encodeEiAcquisition(rec, EiEncoding::kCbor).value);
  save(QStringLiteral("seed.csv"), encodeCsv(rec, CsvFlavour::kTinyscope).value);
  save(QStringLiteral("seed.txt"), encodeAudacityLabels(rec.segments, rec.rateHz()));
  save(QStringLiteral("seed.TextGrid"),
       encodeTextGrid(rec.segments, rec.rateHz(), rec.frameCount()));
  InfoLabelsEntry entry;
  entry.path = QStringLiteral("training/yes.seed.json");
  entry.category = QStringLiteral("training");
  entry.type = InfoLabelsEntry::Type::kMultiLabel;
  entry.ranges = {{0, 31, QStringLiteral("yes")}, {32, 63, QStringLiteral("no")}};
  save(QStringLiteral("info.labels"), encodeInfoLabels({entry}));
  writeAudioFile(QDir(dir).filePath(QStringLiteral("seed.wav")), rec, AudioContainer::kWav);
  writeAudioFile(QDir(dir).filePath(QStringLiteral("seed.flac")), rec, AudioContainer::kFlac);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("TINYSCOPE_FUZZ_SEED_DIR")) {
    writeSeeds(QString::fromLocal8Bit(dir));
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const QByteArray bytes =
      QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<int>(size));
  const QString key = QStringLiteral("k");
  parseEiAcquisition(bytes, QStringLiteral("a.b.json"));
  parseEiAcquisition(bytes, QStringLiteral("a.b.json"), key);
  int offset = 0;
  int length = 0;
  QString why;
  locateEiSignature(bytes, EiEncoding::kJson, &offset, &length, &why);
  locateEiSignature(bytes, EiEncoding::kCbor, &offset, &length, &why);
  parseInfoLabels(bytes, QStringLiteral("info.labels"));
  parseCsv(bytes, QStringLiteral("a.csv"));
  parseAudio(bytes, QStringLiteral("a.wav"));
  parseAudacityLabels(bytes, QStringLiteral("a.txt"), 16000, 1 << 20);
  parseTextGrid(bytes, QStringLiteral("a.TextGrid"), 16000, 1 << 20);
  return 0;
}
