#pragma once
// ModelFlasher: puts a .tflite into a model slot of a connected agent and (optionally)
// makes it the active model, over the protocol's resumable flashing flow:
//
//   SlotInfoRequest -> FlashBegin (Ack = offset to continue from) -> FlashChunk ... (Ack =
//   next offset; Nack FlashOffsetMismatch = the device's offset, go back there) -> FlashEnd
//   (device checks the SHA-256 of the slot; Ack = CRC-32, checked) -> VerifySlot (Ack =
//   CRC-32, checked) -> Activate (the device self-tests the model) -> SlotInfoRequest (must
//   say Testing or Active, else Rollback) -> Confirm (unless FlashOptions::confirm is off).
//
// What is sent is a model image (model_image_file.h): a .tflite is wrapped in one first.
// Resume: when SlotInfo shows the slot Receiving this image's size and CRC, FlashBegin asks
// to resume at the device's offset and carries the SHA-256 of the image's first bytes up to
// there; the device continues only if the bytes it holds hash the same, else it starts at 0.
// So an interrupted transfer (link lost, program killed) picks up where it stopped, and a
// prefix from any other image is never kept. A device that disappears mid-transfer gives
// one error naming the offset reached. A CRC or hash mismatch leaves the previously active
// model active (the new slot is never activated); an activation the device does not
// confirm is rolled back.
//
// Transfer window (protocol version 3): up to W FlashChunks are in flight, each at its own
// offset, so the link stays full while answers travel back. The device takes them in order;
// a lost chunk makes it refuse the ones after it with its offset, and the flasher goes back
// there (go-back-N). W starts at 2, grows by one after W clean Acks in a row (up to
// FlashOptions::window) and halves on a timeout or a gap. A version-2 device gets W = 1
// (stop-and-wait). The acknowledged offset only moves on an Ack that equals the end of a chunk
// in flight (the device holds everything before it) or on a Nack naming an offset inside
// what was sent, so answers that arrive out of order or twice never skip a byte.
//
// Thread: lives in the session's thread; every answer is routed by request id
// (DeviceSession::router()), so nothing else on the link is read. The blocking helper spins a
// local event loop (CLI). Memory: holds a copy of the model and at most kMaxFlashWindow
// pending requests.
#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QVector>

#include "app/core/device/device_session.h"
#include "app/core/device/model_image_file.h"

namespace tinyscope {

struct FlashOptions {
  quint8 slot = 1;
  bool activate = true;
  bool confirm = true;  // after the device's self-test passed: make the model permanent
  QString modelName;    // <= 24 bytes of UTF-8 are kept
  int requestTimeoutMs = 3000;
  int slowRequestTimeoutMs = 15000;  // FlashBegin (erase), FlashEnd/VerifySlot (CRC pass)
  int retries = 4;  // resends of one request after a timeout, or after answers that moved nothing
                    // (a noisy link wants more, with a shorter requestTimeoutMs)
  int window = static_cast<int>(proto::kMaxFlashWindow);  // most FlashChunks in flight (1..8);
                                                          // 1 with a version-2 device
};

struct FlashReport {
  quint32 size = 0;
  quint32 crc32 = 0;
  QString sha256;              // of the image sent (lower-case hex), what the device verified
  quint32 resumedFrom = 0;     // offset FlashBegin's Ack named (0 = fresh transfer)
  bool resumeRefused = false;  // the device held a prefix that did not hash as ours
  bool refusedBeforeSending = false;  // not a model, or the device cannot run it (pre-flight)
  quint32 bytesSent = 0;              // payload bytes sent in FlashChunks this time
  int chunkRetries = 0;               // timeouts and offset corrections (go-backs)
  int window = 0;                     // most FlashChunks that were in flight at once
  bool activated = false;
  bool confirmed = false;  // false after activation: in test state, a reset reverts it
  bool rolledBack = false;
  qint64 elapsedMs = 0;   // start() to finished(): slot check, transfer, verify, test, confirm
  qint64 transferMs = 0;  // first FlashChunk sent to the last chunk's Ack (0 = no chunk sent)
  qint64 resumeMs = 0;    // start() to FlashBegin's Ack: slot check + the device's prefix hash
};

class ModelFlasher : public QObject {
  Q_OBJECT
 public:
  // `session` must be connected (handshake done) and outlive the flasher.
  explicit ModelFlasher(DeviceSession* session, QObject* parent = nullptr);
  ~ModelFlasher() override;

  // Starts flashing `model` (a .tflite or a model image); finished() reports the outcome.
  // False (with error()) if one is running, or, with report().refusedBeforeSending, when the
  // model is not a valid .tflite or image or the device cannot run it (pre-flight:
  // device_compatibility.h, every problem in one message) — before any byte is sent.
  bool start(const QByteArray& model, const FlashOptions& options);
  // Stops after the request in flight (for tests and a GUI cancel button); finished(false).
  void cancel();
  bool running() const { return m_stage != Stage::kIdle; }

  // start() + local event loop until finished or `timeoutMs`; false with *error set.
  bool flashBlocking(const QByteArray& model, const FlashOptions& options, int timeoutMs,
                     QString* error);

  const FlashReport& report() const { return m_report; }
  QString error() const { return m_error; }

 Q_SIGNALS:
  void progress(quint32 offset, quint32 total);
  void stageChanged(const QString& what);
  void finished(bool ok, const QString& error);

 private:
  enum class Stage {
    kIdle,
    kSlotInfo,
    kBegin,
    kChunk,
    kEnd,
    kVerify,
    kActivate,
    kConfirm,
    kRollback,
    kCommit
  };

  void sendCurrent();
  // Waits (through the session's router) for the answer to m_request.
  void expectReply(int timeoutMs);
  void onAck(const proto::Ack& ack);
  void onSlotInfo(const proto::SlotInfo& info);
  void onRefused(const proto::Nack& nack);
  void onTimeout();
  // Windowed transfer: sends chunks from m_sendOffset until W are in flight.
  void fillWindow();
  void onChunkAck(quint16 request, const proto::Ack& ack);
  void onChunkNack(quint16 request, const proto::Nack& nack);
  void onChunkTimeout();
  // Forgets every chunk in flight, halves W and sends again from m_offset. Counts against
  // FlashOptions::retries until an Ack gets past m_bestOffset again. A gap the device names
  // after progress is resent at once; an answer that moved nothing (a Nack at the offset
  // sent, an Ack that does not fit its chunk) and every repeat wait a doubling delay (20, 40
  // ... ms, at most 1 s), so a device that cannot keep up is not flooded.
  enum class GoBack { kTimeout, kGap, kStall };
  void goBack(GoBack why);
  void cancelWindow();
  // Halves the chunk size (down to kMinAdaptiveChunk) after a chunk or its Ack was lost.
  void shrinkChunks();
  // The offset the device acknowledged moved to `offset` (> m_offset).
  void acknowledge(quint32 offset);
  void advance(Stage next);
  void finish(bool ok, const QString& error);
  QString where() const;

  DeviceSession* m_session;
  QByteArray m_model;      // the model image sent
  QByteArray m_imageName;  // the name inside it (NUL-terminated)
  FlashOptions m_options;
  FlashReport m_report;
  Stage m_stage = Stage::kIdle;
  quint16 m_request = 0;
  quint32 m_offset = 0;
  quint32 m_resumeOffset = 0;  // what FlashBegin asks to resume at
  // Chunk size adapts to the link: halved after each chunk timeout or gap (down to
  // kMinAdaptiveChunk), doubled back after kChunksBeforeGrowing Acks in a row.
  static constexpr quint32 kMinAdaptiveChunk = 32;
  static constexpr int kChunksBeforeGrowing = 16;
  quint32 m_chunkBytes = proto::kMaxChunk;
  quint32 m_maxChunkBytes = proto::kMaxChunk;  // what the device's frame size allows
  int m_cleanChunks = 0;
  int m_attempts = 0;
  int m_stalls = 0;  // answers in a row that moved nothing (retryAfterStall, goBack)
  struct InFlight {
    quint32 offset = 0;
    quint32 length = 0;
    quint16 request = 0;
  };
  QVector<InFlight> m_window;  // chunks sent and not yet answered, in offset order
  quint32 m_sendOffset = 0;    // next byte to send
  quint32 m_sentEnd = 0;       // end of the furthest chunk ever sent (what the device may hold)
  quint32 m_bestOffset = 0;    // furthest offset ever acknowledged
  int m_windowSize = 1;        // W: chunks allowed in flight now
  int m_maxWindow = 1;         // what FlashOptions::window and the device's version allow
  int m_windowAcks = 0;        // clean Acks since W last changed
  int m_windowGeneration = 0;  // bumped by goBack(): a delayed resend of an older one is void
  bool m_cancel = false;
  QElapsedTimer m_clock;       // since start()
  qint64 m_firstChunkMs = -1;  // m_clock at the first FlashChunk sent
  QString m_error;
  QMetaObject::Connection m_disconnect;
};

}  // namespace tinyscope
