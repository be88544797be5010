#include "device_protocol/host/ei_at_protocol.h"

#include <QRegularExpression>
#include <algorithm>
#include <cmath>

namespace tinyscope::link {

namespace {

bool isPrintableAscii(const QString& s) {
  for (const QChar c : s)
    if (c.unicode() < 0x20 || c.unicode() > 0x7e) return false;
  return true;
}

// "12.5", "12.50Hz", " 100 " -> number; false when not a finite number.
bool numberOf(QString text, double* out) {
  text = text.trimmed();
  if (text.endsWith(QLatin1String("Hz"), Qt::CaseInsensitive)) text.chop(2);
  bool ok = false;
  const double v = text.trimmed().toDouble(&ok);
  if (!ok || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

}  // namespace

QString EiDeviceConfig::atVersion() const {
  return QStringLiteral("%1.%2.%3").arg(atMajor).arg(atMinor).arg(atPatch);
}

bool EiDeviceConfig::usesFastTransfer(bool canSwitchBaud) const {
  return canSwitchBaud && transferBaud > 0 && transferBaud != kEiDefaultBaud && atLeast(1, 6);
}

QString EiDeviceConfig::transferSuffix(bool canSwitchBaud) const {
  if (!atLeast(1, 6)) return {};
  return usesFastTransfer(canSwitchBaud) ? QStringLiteral(",y") : QStringLiteral(",n");
}

int EiDeviceConfig::sensorIndex(const QString& name) const {
  for (int i = 0; i < sensors.size(); ++i)
    if (sensors[i].name == name) return i;
  return -1;
}

bool parseEiConfig(const QByteArray& body, EiDeviceConfig* out, QString* error) {
  enum class Section { kNone, kInfo, kSensors, kSnapshot, kSampling, kOther };
  static const QRegularExpression sensorLine(QStringLiteral(
      R"(^Name:\s?([^,]+),\s?Max sample length:\s?([^,]+)s\s?,\s?Frequencies:\s?\[(.*)\]\s?$)"));
  EiDeviceConfig c;
  Section section = Section::kNone;
  bool sawInfo = false;
  const QStringList lines =
      QString::fromLatin1(body).split(QRegularExpression(QStringLiteral("[\r\n]")));
  for (QString line : lines) {
    line = line.trimmed();
    if (line.isEmpty()) continue;
    if (line.startsWith(QLatin1String("==="))) {
      if (line.contains(QLatin1String("= Device info ="))) {
        section = Section::kInfo;
        sawInfo = true;
      } else if (line.contains(QLatin1String("= Sensors ="))) {
        section = Section::kSensors;
      } else if (line.contains(QLatin1String("= Snapshot ="))) {
        section = Section::kSnapshot;
      } else if (line.contains(QLatin1String("= Sampling parameters ="))) {
        section = Section::kSampling;
      } else {
        section = Section::kOther;
      }
      continue;
    }
    const int colon = line.indexOf(QLatin1Char(':'));
    const QString key = (colon < 0 ? line : line.left(colon)).trimmed().toLower();
    const QString value = colon < 0 ? QString() : line.mid(colon + 1).trimmed();
    switch (section) {
      case Section::kInfo:
        if (key == QLatin1String("id")) {
          c.id = value;
        } else if (key == QLatin1String("type")) {
          c.type = value;
        } else if (key == QLatin1String("at version")) {
          const QStringList parts = value.split(QLatin1Char('.'));
          bool ok1 = false, ok2 = parts.size() > 1, ok3 = true;
          c.atMajor = parts.value(0).toInt(&ok1);
          if (parts.size() > 1) c.atMinor = parts[1].toInt(&ok2);
          if (parts.size() > 2) c.atPatch = parts[2].toInt(&ok3);
          if (!ok1 || !ok2 || !ok3 || c.atMajor < 0 || c.atMinor < 0 || c.atPatch < 0) {
            *error = QStringLiteral("AT+CONFIG?: AT Version '%1' is not MAJOR.MINOR.PATCH")
                         .arg(value.left(40));
            return false;
          }
        } else if (key == QLatin1String("data transfer baudrate")) {
          bool ok = false;
          const int baud = value.toInt(&ok);
          c.transferBaud = ok && baud > 0 ? baud : 0;  // "UNKNOWN" on some boards
        }
        break;
      case Section::kSensors: {
        EiSensor s;
        const QRegularExpressionMatch m = sensorLine.match(line);
        if (m.hasMatch()) {
          s.name = m.captured(1).trimmed();
          if (!numberOf(m.captured(2), &s.maxSampleLengthS) || s.maxSampleLengthS < 0) {
            *error = QStringLiteral(
                         "AT+CONFIG?: sensor '%1': max sample length '%2' is not a "
                         "number of seconds")
                         .arg(s.name.left(40), m.captured(2).left(40));
            return false;
          }
          const QString list = m.captured(3).trimmed();
          const QStringList freqs = list.isEmpty() ? QStringList() : list.split(QLatin1Char(','));
          if (freqs.size() > kEiMaxFrequencies) {
            *error = QStringLiteral("AT+CONFIG?: sensor '%1' lists %2 frequencies (at most %3)")
                         .arg(s.name.left(40))
                         .arg(freqs.size())
                         .arg(kEiMaxFrequencies);
            return false;
          }
          for (const QString& f : freqs) {
            double hz = 0;
            if (!numberOf(f, &hz) || hz <= 0) {
              *error = QStringLiteral(
                           "AT+CONFIG?: sensor '%1': frequency '%2' is not a "
                           "positive number of Hz")
                           .arg(s.name.left(40), f.trimmed().left(40));
              return false;
            }
            s.frequenciesHz.append(hz);
          }
        } else if (line == QLatin1String("Built-in accelerometer")) {
          // The old form lists names only; the daemon assumes these figures.
          s.name = line;
          s.maxSampleLengthS = 300;
          s.frequenciesHz = {62.5, 100};
        } else if (line == QLatin1String("Built-in microphone")) {
          s.name = line;
          s.maxSampleLengthS = 60;
          s.frequenciesHz = {16000};
        } else {
          *error = QStringLiteral("AT+CONFIG?: cannot read sensor line '%1'").arg(line.left(80));
          return false;
        }
        if (c.sensors.size() >= kEiMaxSensors) {
          *error = QStringLiteral("AT+CONFIG?: more than %1 sensors").arg(kEiMaxSensors);
          return false;
        }
        c.sensors.append(s);
        break;
      }
      case Section::kSnapshot:
        if (key == QLatin1String("has snapshot")) c.hasSnapshot = value == QLatin1String("1");
        break;
      case Section::kSampling:
        if (key == QLatin1String("label")) {
          c.label = value;
        } else if (key == QLatin1String("interval")) {
          QString v = value;
          v.remove(QStringLiteral("ms.")).remove(QStringLiteral("ms"));
          numberOf(v, &c.intervalMs);
        } else if (key == QLatin1String("length")) {
          QString v = value;
          v.remove(QStringLiteral("ms.")).remove(QStringLiteral("ms"));
          double ms = 0;
          if (numberOf(v, &ms) && ms >= 0 && ms < 9e15) c.lengthMs = static_cast<qint64>(ms);
        } else if (key == QLatin1String("hmac key")) {
          c.hmacKey = value;
        }
        break;
      case Section::kNone:
      case Section::kOther:
        break;
    }
  }
  if (!sawInfo) {
    *error = QStringLiteral("AT+CONFIG?: the reply has no '===== Device info =====' section");
    return false;
  }
  *out = c;
  return true;
}

QStringList eiReplyLines(const QByteArray& reply, const QByteArray& command) {
  QByteArray text = reply;
  if (text.endsWith(kEiPrompt)) text.chop(static_cast<int>(sizeof kEiPrompt) - 1);
  QStringList lines;
  int start = 0;
  bool first = true;
  for (int i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\n' && text[i] != '\r') continue;
    const QByteArray line = text.mid(start, i - start).trimmed();
    start = i + 1;
    if (line.isEmpty()) continue;
    if (first && !command.isEmpty() && line.endsWith(command)) {
      first = false;  // the echo (a stale prompt may precede it on the same line)
      continue;
    }
    first = false;
    lines.append(QString::fromLatin1(line));
  }
  return lines;
}

QString eiRefusal(const QStringList& lines) {
  static const char* const kRefusals[] = {"Not a valid AT command",  "Command not found!",
                                          "No handler for command!", "Missing argument!",
                                          "Too few arguments!",      "ERR:"};
  for (const QString& l : lines)
    for (const char* r : kRefusals)
      if (l.startsWith(QLatin1String(r))) return l;
  return {};
}

EiSampleLine parseEiSampleLine(const QString& raw) {
  static const QRegularExpression usedBuffer(QStringLiteral(R"(from=(\d+).*?to=(\d+))"));
  EiSampleLine r;
  r.text = raw.trimmed();
  const QString& t = r.text;
  using Kind = EiSampleLine::Kind;
  if (t.startsWith(QLatin1String("File name:"))) {
    r.kind = Kind::kFileName;
    r.fileName = t.mid(10).trimmed();
  } else if (t.startsWith(QLatin1String("Starting in"))) {
    r.kind = Kind::kStarting;
  } else if (t.startsWith(QLatin1String("Sampling..."))) {
    r.kind = Kind::kSampling;
  } else if (t.startsWith(QLatin1String("Done sampling"))) {
    r.kind = Kind::kDoneSampling;
  } else if (t.startsWith(QLatin1String("Processing..."))) {
    r.kind = Kind::kProcessing;
  } else if (t.contains(QLatin1String("Uploading file")) && t.endsWith(QLatin1String("..."))) {
    r.kind = Kind::kUploading;
  } else if (t.startsWith(QLatin1String("Not uploading file")) &&
             t.contains(QLatin1String("Used buffer"))) {
    const QRegularExpressionMatch m = usedBuffer.match(t);
    bool okFrom = false, okTo = false;
    if (m.hasMatch()) {
      r.from = m.captured(1).toLongLong(&okFrom);
      r.to = m.captured(2).toLongLong(&okTo);
    }
    r.kind = okFrom && okTo ? Kind::kUsedBuffer : Kind::kError;
  } else if (!eiRefusal(QStringList{t}).isEmpty()) {
    r.kind = Kind::kError;
  }
  return r;
}

QByteArray eiSampleSettingsCommand(const QString& label, double intervalMs, qint64 lengthMs,
                                   const QString& hmacKey, QString* error) {
  if (label.isEmpty() || label.contains(QLatin1Char(',')) || !isPrintableAscii(label)) {
    *error = QStringLiteral(
                 "label '%1' cannot be sent to an Edge Impulse board: it must be printable "
                 "ASCII without commas")
                 .arg(label);
    return {};
  }
  if (!(intervalMs > 0) || !std::isfinite(intervalMs)) {
    *error = QStringLiteral("sample interval %1 ms is not a positive number").arg(intervalMs);
    return {};
  }
  if (lengthMs <= 0) {
    *error = QStringLiteral("sample length %1 ms is not positive").arg(lengthMs);
    return {};
  }
  if (hmacKey.contains(QLatin1Char(',')) || !isPrintableAscii(hmacKey)) {
    *error = QStringLiteral(
        "HMAC key cannot be sent to an Edge Impulse board: it must be "
        "printable ASCII without commas");
    return {};
  }
  QByteArray cmd = "AT+SAMPLESETTINGS=" + label.toLatin1() + ',' +
                   QByteArray::number(intervalMs, 'g', 10) + ',' + QByteArray::number(lengthMs);
  if (!hmacKey.isEmpty()) cmd += ',' + hmacKey.toLatin1();
  return cmd;
}

bool decodeEiBuffer(const QStringList& lines, qint64 expectedBytes, QByteArray* out,
                    QString* error) {
  if (expectedBytes < 0 || expectedBytes > kEiMaxSampleBytes) {
    *error = QStringLiteral("AT+READBUFFER: %1 bytes is more than the %2 bytes tinyscope reads")
                 .arg(expectedBytes)
                 .arg(kEiMaxSampleBytes);
    return false;
  }
  qint64 textChars = 0;
  for (const QString& l : lines) {
    const QString t = l.trimmed();
    if (t == QLatin1String("OK") || t == QLatin1String("OKOK")) continue;
    textChars += t.size();
  }
  // Base64 of n bytes is 4*ceil(n/3) characters; more would decode to more than declared.
  const qint64 needChars = 4 * ((expectedBytes + 2) / 3);
  if (textChars != needChars) {
    *error = QStringLiteral(
                 "AT+READBUFFER: the board sent %1 base64 characters for %2 declared bytes "
                 "(expected %3)")
                 .arg(textChars)
                 .arg(expectedBytes)
                 .arg(needChars);
    return false;
  }
  QByteArray text;
  text.reserve(static_cast<int>(textChars));
  for (const QString& l : lines) {
    const QString t = l.trimmed();
    if (t == QLatin1String("OK") || t == QLatin1String("OKOK")) continue;
    text += t.toLatin1();
  }
  const QByteArray::FromBase64Result r =
      QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
  if (!r) {
    *error = QStringLiteral("AT+READBUFFER: the board's reply is not base64");
    return false;
  }
  if (r.decoded.size() != expectedBytes) {
    *error = QStringLiteral("AT+READBUFFER: decoded %1 bytes, the board declared %2")
                 .arg(r.decoded.size())
                 .arg(expectedBytes);
    return false;
  }
  *out = r.decoded;
  return true;
}

void EiReplyReader::start(const QByteArray& terminator, qint64 maxBytes) {
  m_terminator = terminator;
  m_max = maxBytes;
  m_reply.clear();
  m_lineStart = 0;
  m_status = Status::kNeedMore;
  // Bytes that came after the previous reply's end belong to this one.
  const QByteArray carried = m_remainder;
  m_remainder.clear();
  if (!carried.isEmpty()) feed(carried);
}

EiReplyReader::Status EiReplyReader::feed(const QByteArray& chunk) {
  if (m_status != Status::kNeedMore) {
    m_remainder += chunk.left(static_cast<int>(std::max<qint64>(
        0, std::min<qint64>(chunk.size(), kEiMaxReplyBytes - m_remainder.size()))));
    return m_status;
  }
  const int searchFrom = std::max(0, m_reply.size() - m_terminator.size() + 1);
  const qint64 room = m_max - m_reply.size();
  const int take = static_cast<int>(std::min<qint64>(chunk.size(), std::max<qint64>(room, 0)));
  m_reply.append(chunk.constData(), take);
  const int at = m_reply.indexOf(m_terminator, searchFrom);
  if (at >= 0) {
    const int end = at + m_terminator.size();
    m_remainder = m_reply.mid(end) + chunk.mid(take);
    m_reply.truncate(end);
    m_status = Status::kComplete;
  } else if (take < chunk.size() || m_reply.size() >= m_max) {
    m_status = Status::kOverflow;
  }
  return m_status;
}

QByteArray EiReplyReader::takeRemainder() {
  QByteArray r = m_remainder;
  m_remainder.clear();
  return r;
}

QStringList EiReplyReader::takeLines() {
  QStringList lines;
  for (int i = m_lineStart; i < m_reply.size(); ++i) {
    if (m_reply[i] != '\n' && m_reply[i] != '\r') continue;
    const QByteArray line = m_reply.mid(m_lineStart, i - m_lineStart);
    m_lineStart = i + 1;
    if (!line.trimmed().isEmpty()) lines.append(QString::fromLatin1(line));
  }
  return lines;
}

}  // namespace tinyscope::link
