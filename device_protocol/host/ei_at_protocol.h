#pragma once
// The serial AT command interface of Edge Impulse's standard firmware, as the board speaks it
// (firmware-sdk's AT server and the edge-impulse-daemon's serial protocol):
//  - 115200 baud 8N1; a command is ASCII ending in '\r' ("AT+CONFIG?\r"); the board echoes
//    what it receives, runs the command at '\r' and prints its reply, then the prompt "> ".
//    "b\r" stops a running impulse and brings a prompt (the daemon's first words).
//  - "Not a valid AT command (...)", "Command not found!", "No handler for command!",
//    "Missing argument!", "Too few arguments!" and lines starting "ERR:" are refusals.
//  - AT+CONFIG? lists sections "===== Device info =====" (ID, Type, AT Version, Data Transfer
//    Baudrate), "===== Sensors =====" ("Name: <name>, Max sample length: <n>s, Frequencies:
//    [62.50Hz, 100.00Hz]"), "===== Sampling parameters =====" (Label, Interval, Length, HMAC
//    key) and others (Snapshot, Inference, WIFI, Upload settings, Remote management).
//  - AT+SAMPLESETTINGS=<label>,<interval ms>,<length ms>[,<hmac key>] answers "OK".
//  - AT+SAMPLESTART=<sensor name> prints "Sampling settings:" with tab-indented fields, "Starting
//    in N ms...", "Sampling...", "Done sampling, total bytes collected: N", "[1/1] Uploading
//    file to Edge Impulse...", "Not uploading file, not connected to WiFi. Used buffer, from=F,
//    to=T." and "OK" before the prompt: the sample, an Edge Impulse acquisition file in CBOR,
//    lies in the board's buffer at [F, T).
//  - AT+READBUFFER=<from>,<to>[,y|n] (the third argument from AT version 1.6) prints the buffer
//    in base64. With ",y" on a board whose "Data Transfer Baudrate" is not 115200 the board
//    prints "OK", switches its UART to that rate, sends the base64, prints "\r\nOK", switches
//    back to 115200 and prints the prompt.
// This file holds the grammar only (no I/O): reply framing, the parsers, command text.
// Pure functions and value types; any thread. Errors are one sentence naming the field.
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

namespace tinyscope::link {

constexpr int kEiDefaultBaud = 115200;
// The prompt that ends every reply, and the mark that ends each half of a fast-baud transfer.
constexpr char kEiPrompt[] = "> ";
constexpr char kEiTransferMark[] = "\r\nOK";
// A reply other than a buffer read is small text; anything longer is a board gone wrong.
constexpr qint64 kEiMaxReplyBytes = 256 * 1024;
// The largest sample file tinyscope reads off a board (Edge Impulse caps uploads far below).
constexpr qint64 kEiMaxSampleBytes = 32ll << 20;
// Bounds on what a board may declare in AT+CONFIG?.
constexpr int kEiMaxSensors = 32;
constexpr int kEiMaxFrequencies = 16;

struct EiSensor {
  QString name;
  double maxSampleLengthS = 0;
  QVector<double> frequenciesHz;  // as listed; may be empty for boards that list none
};

struct EiDeviceConfig {
  QString id;
  QString type;
  int atMajor = 1, atMinor = 0, atPatch = 0;
  int transferBaud = 0;  // "Data Transfer Baudrate"; 0 when absent or not a number
  QVector<EiSensor> sensors;
  // Sampling parameters as the board holds them.
  QString label;
  double intervalMs = 0;
  qint64 lengthMs = 0;
  QString hmacKey;
  bool hasSnapshot = false;

  QString atVersion() const;  // "1.8.0"
  bool atLeast(int major, int minor) const {
    return atMajor > major || (atMajor == major && atMinor >= minor);
  }
  // The AT+READBUFFER argument that asks for (",y") or declines (",n") the fast transfer
  // rate, or "" for boards older than AT 1.6 that take no third argument.
  QString transferSuffix(bool canSwitchBaud) const;
  bool usesFastTransfer(bool canSwitchBaud) const;
  int sensorIndex(const QString& name) const;  // -1 when absent
};

// Parses the body of an AT+CONFIG? reply. Unknown sections and keys are ignored; a sensor line
// in neither the current nor the old (name only, "Built-in accelerometer"/"microphone") form,
// more than kEiMaxSensors sensors, or no "===== Device info" section at all is an error.
bool parseEiConfig(const QByteArray& body, EiDeviceConfig* out, QString* error);

// Splits a whole reply (everything up to and including the prompt) into its lines: \r\n, \n
// and \r alone all end a line; the echoed command line (when it echoes `command`) and the
// prompt are dropped, as are blank lines.
QStringList eiReplyLines(const QByteArray& reply, const QByteArray& command);

// The refusal in a reply's lines (see the header comment), or "" when there is none.
QString eiRefusal(const QStringList& lines);

// What one line printed during AT+SAMPLESTART means.
struct EiSampleLine {
  enum class Kind {
    kOther,         // informational ("Sampling settings:", "\tInterval: ...")
    kFileName,      // "\tFile name: X" (fileName)
    kStarting,      // "Starting in N ms..."
    kSampling,      // "Sampling..."
    kDoneSampling,  // "Done sampling, ..."
    kProcessing,    // "Processing..."
    kUploading,     // "[1/1] Uploading file to Edge Impulse..."
    kUsedBuffer,    // "Not uploading file, ... Used buffer, from=F, to=T."
    kError,         // "ERR: ..." or a refusal
  };
  Kind kind = Kind::kOther;
  QString fileName;
  qint64 from = 0, to = 0;  // kUsedBuffer
  QString text;             // the line, trimmed
};
EiSampleLine parseEiSampleLine(const QString& line);

// The command line for a sample's settings; "" and *error set when a field cannot travel in
// the comma-separated AT syntax (a label with ',', control characters or non-ASCII; a
// non-positive interval or length; a key with ',').
QByteArray eiSampleSettingsCommand(const QString& label, double intervalMs, qint64 lengthMs,
                                   const QString& hmacKey, QString* error);

// Decodes the base64 text of an AT+READBUFFER reply (its lines, "OK" marks dropped) into
// exactly `expectedBytes`; false with *error naming what is wrong (not base64, too short, too
// long). Allocates at most expectedBytes.
bool decodeEiBuffer(const QStringList& lines, qint64 expectedBytes, QByteArray* out,
                    QString* error);

// Accumulates a reply's bytes until `terminator` (the prompt, or a fast-transfer mark) arrives.
// Bounded: past maxBytes without the terminator the reply is refused (overflowed()). Lines are
// offered as they complete (takeLines) so progress can be shown before the reply ends; bytes
// after the terminator are kept for the next reply (remainder()).
class EiReplyReader {
 public:
  enum class Status { kNeedMore, kComplete, kOverflow };
  void start(const QByteArray& terminator, qint64 maxBytes);
  Status feed(const QByteArray& chunk);
  const QByteArray& reply() const { return m_reply; }  // up to and including the terminator
  QByteArray takeRemainder();
  // Whole lines seen since the last call (without line endings, may include the echo).
  QStringList takeLines();
  bool overflowed() const { return m_status == Status::kOverflow; }
  Status status() const { return m_status; }

 private:
  QByteArray m_terminator;
  qint64 m_max = 0;
  QByteArray m_reply;
  QByteArray m_remainder;
  int m_lineStart = 0;
  Status m_status = Status::kNeedMore;
};

}  // namespace tinyscope::link
