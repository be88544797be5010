#pragma once
// Building blocks of the dataset tests: specs and deterministic frames.
#include <QByteArray>
#include <QFile>
#include <QString>
#include <cstdint>
#include <cstring>

#include "app/core/dataset/dataset_types.h"

namespace tinyscope::dataset::testing {

inline SampleSpec imuSpec(const QString& name, SampleType type = SampleType::kInt16,
                          int channels = 3) {
  SampleSpec s;
  s.name = name;
  s.sensor = QStringLiteral("imu");
  for (int c = 0; c < channels; ++c) {
    s.axes << QStringLiteral("ch%1").arg(c);
    s.units << QStringLiteral("m/s2");
  }
  s.rateHz = 100;
  s.type = type;
  s.firstDeviceUs = 1000;
  return s;
}

// `frames` frames of `channels` values of `type`, different for every seed.
inline QByteArray makeFrames(SampleType type, int channels, int frames, uint32_t seed) {
  QByteArray out(frames * channels * bytesPerValue(type), '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (int i = 0; i < frames * channels; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    if (type == SampleType::kInt16) {
      const int16_t v = static_cast<int16_t>(x & 0xFFFF);
      std::memcpy(out.data() + i * 2, &v, 2);
    } else if (type == SampleType::kInt32) {
      const int32_t v = static_cast<int32_t>(x);
      std::memcpy(out.data() + i * 4, &v, 4);
    } else {
      const float v = static_cast<float>(static_cast<int32_t>(x % 2001) - 1000) / 1000.0f;
      std::memcpy(out.data() + i * 4, &v, 4);
    }
  }
  return out;
}

inline QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline bool writeAll(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

}  // namespace tinyscope::dataset::testing
