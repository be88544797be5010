#include "app/core/dataset/formats/ei_acquisition.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamReader>
#include <QCborValue>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QSaveFile>
#include <cmath>

#include "app/core/dataset/formats/json_scan.h"
#include "app/core/dataset/formats/json_text.h"
#include "app/core/dataset/formats/text_input.h"

namespace tinyscope::dataset::formats {
namespace {

constexpr int kSignatureHexChars = 64;

bool numberOf(const QCborValue& value, double* out) {
  if (value.isInteger()) {
    *out = static_cast<double>(value.toInteger());
    return true;
  }
  if (value.isDouble()) {
    *out = value.toDouble();
    return std::isfinite(*out);
  }
  return false;
}

QString typeName(const QCborValue& value) {
  if (value.isUndefined()) return QStringLiteral("missing");
  if (value.isNull()) return QStringLiteral("null");
  if (value.isString()) return QStringLiteral("a string");
  if (value.isArray()) return QStringLiteral("a list");
  if (value.isMap()) return QStringLiteral("an object");
  if (value.isBool()) return QStringLiteral("a boolean");
  if (value.isDouble()) return QStringLiteral("a non-finite number");
  return QStringLiteral("not a number");
}

QByteArray hmacHex(const QByteArray& bytes, const QString& key) {
  return QMessageAuthenticationCode::hash(bytes, key.toUtf8(), QCryptographicHash::Sha256).toHex();
}

bool isHex(const QByteArray& text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

bool locateJson(const QByteArray& b, int* offset, int* length, QString* error) {
  int depth = 0;
  bool expectKey = false;
  int found = 0;
  for (int i = 0; i < b.size(); ++i) {
    const char c = b[i];
    if (c == '"') {
      const int end = jsonStringEnd(b, i);
      if (end < 0) break;
      if (depth == 1 && expectKey) {
        expectKey = false;
        if (b.mid(i + 1, end - i - 1) == "signature") {
          int k = end + 1;
          while (k < b.size() && (b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r')) ++k;
          if (k < b.size() && b[k] == ':') ++k;
          while (k < b.size() && (b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r')) ++k;
          if (k < b.size() && b[k] == '"') {
            const int valueEnd = jsonStringEnd(b, k);
            if (valueEnd < 0) break;
            *offset = k + 1;
            *length = valueEnd - k - 1;
            ++found;
            i = valueEnd;
            continue;
          }
        }
      }
      i = end;
    } else if (c == '{' || c == '[') {
      ++depth;
      expectKey = depth == 1 && c == '{';
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expectKey = true;
    }
  }
  if (found == 1) return true;
  *error = found == 0 ? QStringLiteral("no signature text to verify")
                      : QStringLiteral("the signature key appears more than once");
  return false;
}

bool locateCbor(const QByteArray& b, int* offset, int* length, QString* error) {
  QCborStreamReader reader(b);
  if (!reader.isMap() || !reader.enterContainer()) {
    *error = QStringLiteral("the file is not a CBOR map");
    return false;
  }
  int found = 0;
  while (reader.lastError() == QCborError::NoError && reader.hasNext()) {
    QString key;
    if (reader.isString()) {
      auto chunk = reader.readString();
      while (chunk.status == QCborStreamReader::Ok) {
        key += chunk.data;
        chunk = reader.readString();
      }
      if (chunk.status == QCborStreamReader::Error) break;
    } else if (!reader.next()) {
      break;
    }
    if (key == QLatin1String("signature") && reader.isString()) {
      const auto at = static_cast<int>(reader.currentOffset());
      if (at < 0 || at >= b.size()) break;
      const auto initial = static_cast<unsigned char>(b[at]);
      const int info = initial & 0x1f;
      if (info == 31) {
        *error = QStringLiteral("the signature is a chunked CBOR string and cannot be verified");
        return false;
      }
      const int header = info < 24 ? 1 : info == 24 ? 2 : info == 25 ? 3 : info == 26 ? 5 : 9;
      const qint64 declared = reader.isLengthKnown() ? static_cast<qint64>(reader.length()) : -1;
      if (declared < 0 || at + header + declared > b.size()) break;
      *offset = at + header;
      *length = static_cast<int>(declared);
      ++found;
    }
    if (!reader.next()) break;
  }
  if (found == 1) return true;
  *error = found == 0 ? QStringLiteral("no signature text to verify")
                      : QStringLiteral("the signature key appears more than once");
  return false;
}

QCborValue cborNumber(double v) {
  if (std::floor(v) == v && std::fabs(v) < 9.0e15) return QCborValue(static_cast<qint64>(v));
  return QCborValue(v);
}

FormatResult<EiAcquisition> interpret(const QCborMap& root, const QString& file) {
  FormatResult<EiAcquisition> result;
  auto fail = [&](const QString& where, const QString& what) {
    result.error = formatError(file, where, what);
    return result;
  };
  const QCborValue protectedValue = root.value(QStringLiteral("protected"));
  if (!protectedValue.isMap()) return fail(QStringLiteral("protected"), typeName(protectedValue));
  const QCborMap prot = protectedValue.toMap();
  const QCborValue ver = prot.value(QStringLiteral("ver"));
  if (ver.toString() != QLatin1String("v1"))
    return fail(QStringLiteral("protected.ver"),
                QStringLiteral("version %1 is not \"v1\"")
                    .arg(ver.isString() ? ver.toString() : typeName(ver)));
  const QString alg = prot.value(QStringLiteral("alg")).toString();
  if (alg != QLatin1String("HS256") && alg != QLatin1String("none"))
    return fail(QStringLiteral("protected.alg"),
                QStringLiteral("algorithm \"%1\" is neither HS256 nor none").arg(alg));

  Recording& rec = result.value.recording;
  const QCborValue iat = prot.value(QStringLiteral("iat"));
  if (iat.isInteger() || iat.isDouble())
    rec.metadata.insert(QStringLiteral("ei.iat"), iat.toVariant());
  rec.metadata.insert(QStringLiteral("ei.alg"), alg);

  const QCborValue payloadValue = root.value(QStringLiteral("payload"));
  if (!payloadValue.isMap()) return fail(QStringLiteral("payload"), typeName(payloadValue));
  const QCborMap payload = payloadValue.toMap();
  rec.deviceName = payload.value(QStringLiteral("device_name")).toString();
  rec.deviceType = payload.value(QStringLiteral("device_type")).toString();
  const QCborValue interval = payload.value(QStringLiteral("interval_ms"));
  if (!numberOf(interval, &rec.intervalMs) || !(rec.intervalMs > 0))
    return fail(
        QStringLiteral("payload.interval_ms"),
        QStringLiteral("must be a positive number (it is %1)")
            .arg(interval.isDouble() || interval.isInteger() ? QString::number(interval.toDouble())
                                                             : typeName(interval)));

  const QCborValue sensorsValue = payload.value(QStringLiteral("sensors"));
  if (!sensorsValue.isArray() || sensorsValue.toArray().isEmpty())
    return fail(QStringLiteral("payload.sensors"), QStringLiteral("must be a non-empty list"));
  const QCborArray sensors = sensorsValue.toArray();
  if (sensors.size() > 4096)
    return fail(QStringLiteral("payload.sensors"), QStringLiteral("more than 4096 sensors"));
  for (qsizetype i = 0; i < sensors.size(); ++i) {
    const QCborValue sensor = sensors.at(i);
    const QString where = QStringLiteral("payload.sensors[%1]").arg(i);
    if (!sensor.isMap()) return fail(where, typeName(sensor));
    const QCborValue name = sensor.toMap().value(QStringLiteral("name"));
    if (!name.isString() || name.toString().isEmpty())
      return fail(where + QStringLiteral(".name"), QStringLiteral("must be a non-empty text"));
    rec.axes.push_back({name.toString(), sensor.toMap().value(QStringLiteral("units")).toString()});
  }

  const QCborValue valuesValue = payload.value(QStringLiteral("values"));
  if (!valuesValue.isArray())
    return fail(QStringLiteral("payload.values"), QStringLiteral("must be a list"));
  const QCborArray values = valuesValue.toArray();
  const auto axes = static_cast<int>(rec.axes.size());
  rec.values.reserve(static_cast<int>(std::min<qint64>(qint64(values.size()) * axes, 1 << 26)));
  for (qsizetype f = 0; f < values.size(); ++f) {
    const QCborValue frame = values.at(f);
    const QString where = QStringLiteral("payload.values[%1]").arg(f);
    double v = 0;
    if (frame.isArray()) {
      const QCborArray readings = frame.toArray();
      if (readings.size() != axes)
        return fail(
            where,
            QStringLiteral("has %1 readings but sensors lists %2").arg(readings.size()).arg(axes));
      for (qsizetype a = 0; a < readings.size(); ++a) {
        if (!numberOf(readings.at(a), &v))
          return fail(QStringLiteral("%1[%2]").arg(where).arg(a), typeName(readings.at(a)));
        rec.values.push_back(v);
      }
    } else if (axes == 1 && numberOf(frame, &v)) {
      rec.values.push_back(v);
    } else {
      return fail(where, axes == 1 ? typeName(frame)
                                   : QStringLiteral("is not a list of %1 readings").arg(axes));
    }
  }
  if (values.isEmpty()) return fail(QStringLiteral("payload.values"), QStringLiteral("is empty"));
  return result;
}

}  // namespace

const char* signatureStatusText(SignatureStatus status) {
  switch (status) {
    case SignatureStatus::kVerified:
      return "signature verified";
    case SignatureStatus::kNotVerified:
      return "signature not verified";
    case SignatureStatus::kUnsigned:
      break;
  }
  return "unsigned";
}

QString eiLabelFromFileName(const QString& fileName) {
  const QString base = QFileInfo(fileName).fileName();
  const int dot = base.indexOf(QLatin1Char('.'));
  return dot < 0 ? base : base.left(dot);
}

QString eiNameFromFileName(const QString& fileName) {
  const QString base = QFileInfo(fileName).fileName();
  const int first = base.indexOf(QLatin1Char('.'));
  const int last = base.lastIndexOf(QLatin1Char('.'));
  if (first < 0) return base;
  if (first == last) return base.left(first);
  return base.mid(first + 1, last - first - 1);
}

bool locateEiSignature(const QByteArray& bytes, EiEncoding encoding, int* offset, int* length,
                       QString* error) {
  return encoding == EiEncoding::kJson ? locateJson(bytes, offset, length, error)
                                       : locateCbor(bytes, offset, length, error);
}

FormatResult<EiAcquisition> parseEiAcquisition(const QByteArray& bytes, const QString& fileName,
                                               const QString& hmacKey) {
  FormatResult<EiAcquisition> result;
  int first = 0;
  while (first < bytes.size() && QByteArray(" \t\r\n").contains(bytes[first])) ++first;
  const EiEncoding encoding =
      first < bytes.size() && bytes[first] == '{' ? EiEncoding::kJson : EiEncoding::kCbor;
  QCborMap root;
  if (bytes.isEmpty()) {
    result.error = formatError(fileName, {}, QStringLiteral("the file is empty"));
    return result;
  }
  if (encoding == EiEncoding::kJson) {
    const QString keys = checkJsonKeys(bytes);
    if (!keys.isEmpty()) {
      result.error = formatError(fileName, {}, keys);
      return result;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
      result.error =
          formatError(fileName, QStringLiteral("byte %1").arg(parseError.offset),
                      QStringLiteral("malformed JSON (%1)").arg(parseError.errorString()));
      return result;
    }
    root = QCborMap::fromJsonObject(doc.object());
  } else {
    QCborStreamReader reader(bytes);
    const QCborValue value = QCborValue::fromCbor(reader);
    if (reader.lastError() != QCborError::NoError || !value.isMap()) {
      result.error =
          formatError(fileName, QStringLiteral("byte %1").arg(reader.currentOffset()),
                      reader.lastError() != QCborError::NoError
                          ? QStringLiteral("malformed CBOR (%1)").arg(reader.lastError().toString())
                          : QStringLiteral("neither a JSON object nor a CBOR map"));
      return result;
    }
    if (reader.currentOffset() != bytes.size()) {
      result.error = formatError(fileName, QStringLiteral("byte %1").arg(reader.currentOffset()),
                                 QStringLiteral("data follows the CBOR map"));
      return result;
    }
    root = value.toMap();
  }
  result = interpret(root, fileName);
  if (!result.ok()) return result;
  result.value.encoding = encoding;
  Recording& rec = result.value.recording;
  rec.label = eiLabelFromFileName(fileName);
  rec.name = eiNameFromFileName(fileName);

  // The signature, checked against the producer's own bytes.
  const QString alg = rec.metadata.value(QStringLiteral("ei.alg")).toString();
  const QCborValue signature = root.value(QStringLiteral("signature"));
  if (alg == QLatin1String("none")) {
    result.value.signature = SignatureStatus::kUnsigned;  // junk signatures are allowed here
    return result;
  }
  const QByteArray hex = signature.toString().toLatin1();
  if (!signature.isString() || hex.size() != kSignatureHexChars || !isHex(hex)) {
    result.error = formatError(fileName, QStringLiteral("signature"),
                               QStringLiteral("HS256 needs 64 hexadecimal characters"));
    return result;
  }
  if (hex == QByteArray(kSignatureHexChars, '0')) {
    result.value.signature = SignatureStatus::kUnsigned;
    return result;
  }
  if (hmacKey.isEmpty()) {
    result.value.signature = SignatureStatus::kNotVerified;
    return result;
  }
  int offset = 0;
  int length = 0;
  QString why;
  if (!locateEiSignature(bytes, encoding, &offset, &length, &why) || length != kSignatureHexChars ||
      bytes.mid(offset, length).toLower() != hex.toLower()) {
    result.error = formatError(fileName, QStringLiteral("signature"),
                               why.isEmpty() ? QStringLiteral("cannot be found in place") : why);
    return result;
  }
  QByteArray zeroed = bytes;
  zeroed.replace(offset, length, QByteArray(kSignatureHexChars, '0'));
  if (hmacHex(zeroed, hmacKey) != hex.toLower()) {
    result.error = formatError(fileName, QStringLiteral("signature"),
                               QStringLiteral("does not match the HMAC key (the file was changed "
                                              "or signed with another key)"));
    return result;
  }
  result.value.signature = SignatureStatus::kVerified;
  return result;
}

FormatResult<EiAcquisition> readEiAcquisitionFile(const QString& path, const QString& hmacKey) {
  const FormatResult<QByteArray> bytes = readInputFile(path);
  if (!bytes.ok()) return {{}, bytes.error};
  return parseEiAcquisition(bytes.value, path, hmacKey);
}

FormatResult<QByteArray> encodeEiAcquisition(const Recording& rec, EiEncoding encoding,
                                             const QString& hmacKey) {
  FormatResult<QByteArray> result;
  const QString problem = rec.validate();
  if (!problem.isEmpty()) {
    result.error = formatError(rec.name, {}, problem);
    return result;
  }
  const QVariant iat = rec.metadata.value(QStringLiteral("ei.iat"));
  const QString zeros(kSignatureHexChars, QLatin1Char('0'));
  const int axes = static_cast<int>(rec.axes.size());
  const qint64 frames = rec.frameCount();
  QByteArray bytes;
  if (encoding == EiEncoding::kJson) {
    JsonText out;
    out.raw("{\"protected\":{\"ver\":\"v1\",\"alg\":\"HS256\"");
    if (iat.isValid()) out.raw(",\"iat\":").number(iat.toDouble());
    out.raw("},\"signature\":").string(zeros).raw(",\"payload\":{");
    if (!rec.deviceName.isEmpty()) out.raw("\"device_name\":").string(rec.deviceName).raw(",");
    out.raw("\"device_type\":")
        .string(rec.deviceType.isEmpty() ? QStringLiteral("tinyscope") : rec.deviceType);
    out.raw(",\"interval_ms\":").number(rec.intervalMs).raw(",\"sensors\":[");
    for (int a = 0; a < axes; ++a) {
      out.raw(a ? ",{\"name\":" : "{\"name\":").string(rec.axes[a].name);
      out.raw(",\"units\":").string(rec.axes[a].units).raw("}");
    }
    out.raw("],\"values\":[");
    for (qint64 f = 0; f < frames; ++f) {
      if (f) out.raw(",");
      if (axes == 1) {
        out.number(rec.value(f, 0));
        continue;
      }
      out.raw("[");
      for (int a = 0; a < axes; ++a) {
        if (a) out.raw(",");
        out.number(rec.value(f, a));
      }
      out.raw("]");
    }
    out.raw("]}}");
    bytes = out.bytes();
  } else {
    QCborMap prot{{QStringLiteral("ver"), QStringLiteral("v1")},
                  {QStringLiteral("alg"), QStringLiteral("HS256")}};
    if (iat.isValid()) prot.insert(QStringLiteral("iat"), cborNumber(iat.toDouble()));
    QCborArray sensors;
    for (const Axis& axis : rec.axes)
      sensors.append(
          QCborMap{{QStringLiteral("name"), axis.name}, {QStringLiteral("units"), axis.units}});
    QCborArray values;
    for (qint64 f = 0; f < frames; ++f) {
      if (axes == 1) {
        values.append(cborNumber(rec.value(f, 0)));
        continue;
      }
      QCborArray frame;
      for (int a = 0; a < axes; ++a) frame.append(cborNumber(rec.value(f, a)));
      values.append(frame);
    }
    QCborMap payload;
    if (!rec.deviceName.isEmpty()) payload.insert(QStringLiteral("device_name"), rec.deviceName);
    payload.insert(QStringLiteral("device_type"),
                   rec.deviceType.isEmpty() ? QStringLiteral("tinyscope") : rec.deviceType);
    payload.insert(QStringLiteral("interval_ms"), cborNumber(rec.intervalMs));
    payload.insert(QStringLiteral("sensors"), sensors);
    payload.insert(QStringLiteral("values"), values);
    QCborMap root;
    root.insert(QStringLiteral("protected"), prot);
    root.insert(QStringLiteral("signature"), zeros);
    root.insert(QStringLiteral("payload"), payload);
    bytes = root.toCborValue().toCbor();
  }
  if (!hmacKey.isEmpty()) {
    int offset = 0;
    int length = 0;
    QString why;
    if (!locateEiSignature(bytes, encoding, &offset, &length, &why) ||
        length != kSignatureHexChars) {
      result.error = formatError(rec.name, QStringLiteral("signature"), why);
      return result;
    }
    bytes.replace(offset, length, hmacHex(bytes, hmacKey));
  }
  result.value = bytes;
  return result;
}

FormatResult<QString> eiFileName(const Recording& rec, EiEncoding encoding) {
  FormatResult<QString> result;
  for (const QChar c : {QLatin1Char('.'), QLatin1Char('/'), QLatin1Char('\\')}) {
    if (rec.label.contains(c) || rec.name.contains(QLatin1Char('/')) ||
        rec.name.contains(QLatin1Char('\\'))) {
      result.error = formatError(
          rec.name, QStringLiteral("label"),
          QStringLiteral("\"%1\" cannot be a file-name label (it holds '%2')").arg(rec.label, c));
      return result;
    }
  }
  const QString label = rec.label.isEmpty() ? QStringLiteral("unlabeled") : rec.label;
  const QString name = rec.name.isEmpty() ? QStringLiteral("sample") : rec.name;
  result.value =
      QStringLiteral("%1.%2.%3")
          .arg(label, name,
               encoding == EiEncoding::kJson ? QStringLiteral("json") : QStringLiteral("cbor"));
  return result;
}

FormatResult<QString> writeEiAcquisitionFile(const QString& dir, const Recording& rec,
                                             EiEncoding encoding, const QString& hmacKey) {
  FormatResult<QString> result = eiFileName(rec, encoding);
  if (!result.ok()) return result;
  const FormatResult<QByteArray> bytes = encodeEiAcquisition(rec, encoding, hmacKey);
  if (!bytes.ok()) {
    result.error = bytes.error;
    return result;
  }
  const QString path = QDir(dir).filePath(result.value);
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes.value) != bytes.value.size() ||
      !file.commit()) {
    result.error = formatError(path, {}, file.errorString());
    return result;
  }
  result.value = path;
  return result;
}

}  // namespace tinyscope::dataset::formats
