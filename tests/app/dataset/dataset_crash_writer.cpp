// Writes samples into a dataset in a loop until it is killed; the crash tests kill it with
// SIGKILL at random moments. Usage: dataset_crash_writer DIR SEED add|record
// After each sample is committed it prints "done <content id>" (a sample whose add returned).
#include <QCoreApplication>
#include <cstdio>

#include "app/core/dataset/dataset_store.h"
#include "app/core/dataset/sample_writer.h"
#include "tests/app/dataset/dataset_test_support.h"

using namespace tinyscope::dataset;

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  if (argc != 4) {
    std::fprintf(stderr, "usage: dataset_crash_writer DIR SEED add|record\n");
    return 2;
  }
  QString error;
  auto store = DatasetStore::openOrCreate(QString::fromLocal8Bit(argv[1]), &error);
  if (!store) {
    std::fprintf(stderr, "%s\n", qPrintable(error));
    return 1;
  }
  const uint32_t seed = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
  const bool record = std::strcmp(argv[3], "record") == 0;
  auto report = [&](qint64 id) {
    SampleRecord r;
    if (!store->sample(id, &r, &error)) return false;
    std::printf("done %s\n", qPrintable(r.contentId));
    std::fflush(stdout);
    return true;
  };
  if (record) {
    SampleSpec spec = testing::imuSpec(QStringLiteral("rec%1").arg(seed), SampleType::kInt16, 2);
    spec.rateHz = 8000;
    spec.labels = QStringList{QStringLiteral("recorded")};
    SampleWriter writer(store.get(), spec, 0.01);  // a chunk every 80 frames
    int reported = 0;
    for (uint32_t i = 0;; ++i) {
      if (!writer.append(testing::makeFrames(SampleType::kInt16, 2, 16, seed * 100000u + i),
                         &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
      }
      for (; reported < writer.sampleIds().size(); ++reported)
        if (!report(writer.sampleIds()[reported])) return 1;
    }
  }
  for (uint32_t i = 0;; ++i) {
    SampleSpec spec = testing::imuSpec(QStringLiteral("add%1-%2").arg(seed).arg(i));
    spec.labels = QStringList{i % 2 ? QStringLiteral("a") : QStringLiteral("b")};
    const qint64 id = store->addSample(
        spec, testing::makeFrames(SampleType::kInt16, 3, 64, seed * 100000u + i), &error);
    if (id == 0 || !report(id)) {
      std::fprintf(stderr, "%s\n", qPrintable(error));
      return 1;
    }
  }
}
