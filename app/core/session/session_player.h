#pragma once
// SessionPlayer: plays a session log back through the real receive path — both directions'
// bytes through a proto::FrameDecoder each, every frame through the message catalogue
// (proto::dispatchMessage) — and rebuilds each recorded inference: the input the host uploaded
// (or the model input the device captured), the device's result, per-op times and captured
// tensors, with the bounds DeviceSession applies to a live device.
//
// Ownership: owns its reader. Thread: one. Memory: one inference in assembly (its tensors are
// bounded by the model's sizes when the model is known, else by the device's arena, and by
// DeviceSession::kMaxCaptureBytes) plus the upload being received.
#include <QString>
#include <functional>

#include "app/core/device/device_values.h"
#include "app/core/session/session_log.h"
#include "device_protocol/frame_codec.h"

namespace tinyscope {
namespace runner::host {
struct ModelSummary;
}

namespace session {

struct RecordedInference {
  quint64 index = 0;  // in session order, from 0
  quint16 requestId = 0;
  quint64 hostNs = 0;  // when the result (or refusal) arrived, since the session started
  QByteArray input;    // input 0 as uploaded, or as the device captured it; empty: not recorded
  InferenceRun run;
  QString problem;  // non-empty: the device refused or failed it, or the record is not whole
};

struct PlaybackCounts {
  quint64 records = 0;
  quint64 framesToDevice = 0;
  quint64 framesFromDevice = 0;
  proto::FrameCounters frameErrorsFromDevice;  // the decoder's counters, device-to-host
  quint64 undecodable = 0;  // framed fine, but not a valid message of the catalogue
  quint64 inferences = 0;   // results (or refusals) seen
  quint64 unanswered = 0;   // requests the log holds no answer to
  quint64 tornBytes = 0;    // cut from the end (see SessionLogReader)
  QString tornReason;
};

class SessionPlayer {
 public:
  // Reads the header; false + *error when `path` is not a readable session log (bad input).
  bool open(const QString& path, QString* error);
  // The same from `device` (borrowed; must outlive play()), named `name` in messages.
  bool open(QIODevice* device, const QString& name, QString* error);
  const SessionHeader& header() const { return m_reader.header(); }
  // The device's handshake from the header (empty DeviceInfo when it did not decode).
  DeviceInfo device() const { return m_device; }
  // Bounds each captured tensor by `summary`'s sizes (borrowed; must outlive play()).
  void setModel(const runner::host::ModelSummary* summary) { m_summary = summary; }

  // Plays every whole record; calls onInference for each inference in session order. Returning
  // false from it stops early. A torn tail ends the playback quietly (counts() says how much).
  void play(const std::function<bool(RecordedInference&&)>& onInference);
  const PlaybackCounts& counts() const { return m_counts; }

 private:
  void readHello();
  void onHostFrame(proto::ConstByteSpan payload);
  bool onDeviceFrame(proto::ConstByteSpan payload, quint64 hostNs);
  quint64 tensorLimit(quint16 op, quint8 tensor, QString* limitName) const;

  SessionLogReader m_reader;
  DeviceInfo m_device;
  const runner::host::ModelSummary* m_summary = nullptr;
  PlaybackCounts m_counts;
  const std::function<bool(RecordedInference&&)>* m_sink = nullptr;
  // The upload in progress and the run in flight (one at a time, as DeviceSession sends them).
  QByteArray m_upload;
  bool m_runPending = false;
  quint64 m_runBytes = 0;
  RecordedInference m_current;
  quint64 m_next = 0;
};

}  // namespace session
}  // namespace tinyscope
