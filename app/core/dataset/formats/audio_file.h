#pragma once
// WAV and FLAC through libsndfile: rate, channels and bit depth are kept. Integer audio keeps
// its integer scale in Recording::values (int16 -32768..32767, int24, int32, int8), float audio
// its [-1, 1] floats; Recording::sampleFormat records which. Other encodings libsndfile reads
// (u-law, ADPCM, ...) come back as float32. Channels are axes "audio" (mono) or "ch1".."chN",
// units "wav" as Edge Impulse names them. A WAV whose data chunk declares more bytes than the
// file holds is refused as truncated. Pure functions, any thread; memory is the values.
#include <QByteArray>
#include <QString>

#include "app/core/dataset/formats/format_result.h"
#include "app/core/dataset/formats/recording.h"

namespace tinyscope::dataset::formats {

enum class AudioContainer { kWav, kFlac };

FormatResult<Recording> parseAudio(const QByteArray& bytes, const QString& fileName);
FormatResult<Recording> readAudioFile(const QString& path);

// Writes `recording` as WAV or FLAC in `format` (kUnknown: the recording's own sampleFormat,
// else int16 when every value is an int16, else float32). Integer formats refuse values that
// are not integers in range, naming the frame; FLAC holds only int8/int16/int24. The file is
// written to a temporary name and renamed. Returns an error sentence, empty on success.
QString writeAudioFile(const QString& path, const Recording& recording, AudioContainer container,
                       SampleFormat format = SampleFormat::kUnknown);

}  // namespace tinyscope::dataset::formats
