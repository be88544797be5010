// Edge Impulse data acquisition format (docs.edgeimpulse.com, "Data acquisition format"):
// - protected.ver is always "v1"; alg is "HS256" (HMAC-SHA256) or "none"; iat is optional
//   ("only set this when the device has an accurate clock").
// - payload.device_name is optional; device_type, interval_ms, sensors [{name, units}] and
//   values are the data; audio is a flat values list with interval_ms 0.0625 (16 kHz).
// - The file is JSON or CBOR; the HMAC is computed over the encoded file with the signature
//   set to 64 '0' characters, then written into place (so verification zeroes it in place).
#include <gtest/gtest.h>

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cmath>

#include "app/core/dataset/formats/ei_acquisition.h"

using namespace tinyscope::dataset::formats;

namespace {

const QString kData = QStringLiteral(TINYSCOPE_FORMATS_DATA);
const QString kKey = QStringLiteral("tinyscope-fixture-key");  // data/make_fixtures.py

QByteArray fixture(const QString& name) {
  QFile f(kData + QLatin1Char('/') + name);
  EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << name.toStdString();
  return f.readAll();
}

Recording imu() {
  Recording r;
  r.name = QStringLiteral("take1");
  r.label = QStringLiteral("wave");
  r.deviceName = QStringLiteral("ac:87:a3:0a:2d:1b");
  r.deviceType = QStringLiteral("NANO33BLE");
  r.intervalMs = 10;
  r.axes = {{QStringLiteral("accX"), QStringLiteral("m/s2")},
            {QStringLiteral("accY"), QStringLiteral("m/s2")}};
  r.values = {-9.81, 0.03, 1e-7, -123456.5, 0, 42};
  return r;
}

// Expects a refusal that names the file and contains `field`.
void expectRefused(const FormatResult<EiAcquisition>& r, const char* file, const char* field) {
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error.startsWith(QLatin1String(file))) << r.error.toStdString();
  EXPECT_NE(r.error.indexOf(QLatin1String(field)), -1) << r.error.toStdString();
  EXPECT_EQ(r.error.count(QLatin1Char('\n')), 0);
}

}  // namespace

TEST(EiAcquisition, ReadsTheDocumentationExample) {
  const auto r = parseEiAcquisition(fixture(QStringLiteral("ei_doc_example.json")),
                                    QStringLiteral("wave.doc.json"));
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  const Recording& rec = r.value.recording;
  EXPECT_EQ(rec.deviceName, QStringLiteral("ac:87:a3:0a:2d:1b"));
  EXPECT_EQ(rec.deviceType, QStringLiteral("DISCO-L475VG-IOT01A"));
  EXPECT_EQ(rec.intervalMs, 10);
  ASSERT_EQ(rec.axes.size(), 3);
  EXPECT_EQ(rec.axes[2].name, QStringLiteral("accZ"));
  EXPECT_EQ(rec.axes[2].units, QStringLiteral("m/s2"));
  EXPECT_EQ(rec.frameCount(), 4);
  EXPECT_DOUBLE_EQ(rec.value(3, 2), 1.25);
  EXPECT_EQ(rec.label, QStringLiteral("wave"));
  EXPECT_EQ(rec.name, QStringLiteral("doc"));
  EXPECT_EQ(rec.metadata.value(QStringLiteral("ei.iat")).toLongLong(), 1564128599);
  // A real signature and no key: imported, marked as not verified.
  EXPECT_EQ(r.value.signature, SignatureStatus::kNotVerified);
  EXPECT_STREQ(signatureStatusText(r.value.signature), "signature not verified");
  // With a key the example's signature does not match: refused.
  expectRefused(parseEiAcquisition(fixture(QStringLiteral("ei_doc_example.json")),
                                   QStringLiteral("wave.doc.json"), kKey),
                "wave.doc.json", "signature");
}

TEST(EiAcquisition, AudioWithoutIatOrDeviceNameInAnyKeyOrder) {
  const auto r = parseEiAcquisition(fixture(QStringLiteral("yes.audio.json")),
                                    QStringLiteral("yes.audio.json"));
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  const Recording& rec = r.value.recording;
  EXPECT_DOUBLE_EQ(rec.intervalMs, 0.0625);
  EXPECT_DOUBLE_EQ(rec.rateHz(), 16000);
  EXPECT_TRUE(rec.deviceName.isEmpty());
  EXPECT_FALSE(rec.metadata.contains(QStringLiteral("ei.iat")));
  EXPECT_EQ(rec.frameCount(), 8);  // a flat list for the one sensor
  EXPECT_EQ(rec.value(0, 0), -10);
  EXPECT_EQ(rec.label, QStringLiteral("yes"));
  EXPECT_EQ(r.value.signature, SignatureStatus::kUnsigned);  // HS256 with 64 zeros
}

TEST(EiAcquisition, AlgNoneCarriesAJunkSignature) {
  const auto r = parseEiAcquisition(fixture(QStringLiteral("alg_none.json")),
                                    QStringLiteral("hot.1.json"), kKey);
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  EXPECT_EQ(r.value.signature, SignatureStatus::kUnsigned);
  EXPECT_EQ(r.value.recording.frameCount(), 3);  // one-element lists for one sensor
  EXPECT_DOUBLE_EQ(r.value.recording.value(1, 0), 21.625);
}

TEST(EiAcquisition, VerifiesTheProducersExactJsonBytes) {
  // Signed by Python's hmac over a layout tinyscope would never write (spaces, key order).
  const QByteArray bytes = fixture(QStringLiteral("signed.json"));
  auto r = parseEiAcquisition(bytes, QStringLiteral("signed.json"), kKey);
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  EXPECT_EQ(r.value.signature, SignatureStatus::kVerified);
  EXPECT_EQ(r.value.recording.frameCount(), 3);
  r = parseEiAcquisition(bytes, QStringLiteral("signed.json"));
  EXPECT_EQ(r.value.signature, SignatureStatus::kNotVerified);
  expectRefused(parseEiAcquisition(bytes, QStringLiteral("signed.json"), QStringLiteral("other")),
                "signed.json", "signature");
  QByteArray changed = bytes;
  changed.replace("-9.83", "-9.84");
  expectRefused(parseEiAcquisition(changed, QStringLiteral("signed.json"), kKey), "signed.json",
                "signature");
  // Whitespace is part of the signed bytes too: re-serializing would break the signature.
  QByteArray respaced = bytes;
  respaced.replace("\n  \"payload\"", "\n   \"payload\"");
  expectRefused(parseEiAcquisition(respaced, QStringLiteral("signed.json"), kKey), "signed.json",
                "signature");
}

TEST(EiAcquisition, CborMixesIntegersHalfSingleDoubleAndIndefiniteLists) {
  const auto r = parseEiAcquisition(fixture(QStringLiteral("mixed_unsigned.cbor")),
                                    QStringLiteral("mixed.cbor"));
  ASSERT_TRUE(r.ok()) << r.error.toStdString();
  const Recording& rec = r.value.recording;
  EXPECT_EQ(r.value.encoding, EiEncoding::kCbor);
  EXPECT_EQ(rec.intervalMs, 10);  // a float16
  ASSERT_EQ(rec.axes.size(), 2);
  const QVector<double> expected{1, -2.5, 0.25, -9.81, -3, 300};
  EXPECT_EQ(rec.values, expected);
  EXPECT_EQ(r.value.signature, SignatureStatus::kUnsigned);

  const QByteArray signedBytes = fixture(QStringLiteral("mixed_signed.cbor"));
  const auto s = parseEiAcquisition(signedBytes, QStringLiteral("mixed.cbor"), kKey);
  ASSERT_TRUE(s.ok()) << s.error.toStdString();
  EXPECT_EQ(s.value.signature, SignatureStatus::kVerified);
  QByteArray changed = signedBytes;
  changed[changed.indexOf(QByteArray::fromHex("19012c")) + 2] = 0x2d;  // 300 -> 301
  expectRefused(parseEiAcquisition(changed, QStringLiteral("mixed.cbor"), kKey), "mixed.cbor",
                "signature");
}

TEST(EiAcquisition, WritesWhatItReadsSignedAndUnsigned) {
  for (const EiEncoding encoding : {EiEncoding::kJson, EiEncoding::kCbor}) {
    const Recording rec = imu();
    const auto unsignedBytes = encodeEiAcquisition(rec, encoding);
    ASSERT_TRUE(unsignedBytes.ok()) << unsignedBytes.error.toStdString();
    EXPECT_NE(unsignedBytes.value.indexOf(QByteArray(64, '0')), -1);
    auto back = parseEiAcquisition(unsignedBytes.value, QStringLiteral("wave.take1.x"), kKey);
    ASSERT_TRUE(back.ok()) << back.error.toStdString();
    EXPECT_EQ(back.value.signature, SignatureStatus::kUnsigned);
    EXPECT_EQ(back.value.recording.values, rec.values);
    EXPECT_EQ(back.value.recording.axes.size(), 2);
    EXPECT_EQ(back.value.recording.deviceName, rec.deviceName);

    const auto signedBytes = encodeEiAcquisition(rec, encoding, kKey);
    ASSERT_TRUE(signedBytes.ok());
    back = parseEiAcquisition(signedBytes.value, QStringLiteral("wave.take1.x"), kKey);
    ASSERT_TRUE(back.ok()) << back.error.toStdString();
    EXPECT_EQ(back.value.signature, SignatureStatus::kVerified);
    EXPECT_FALSE(
        parseEiAcquisition(signedBytes.value, QStringLiteral("x"), QStringLiteral("wrong")).ok());
  }
}

TEST(EiAcquisition, JsonExportLooksLikeEdgeImpulsesOwn) {
  Recording rec = imu();
  rec.axes = {{QStringLiteral("audio"), QStringLiteral("wav")}};
  rec.values = {-10, 2, -9};
  rec.intervalMs = 0.0625;
  const auto bytes = encodeEiAcquisition(rec, EiEncoding::kJson);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(bytes.value.startsWith(
      "{\"protected\":{\"ver\":\"v1\",\"alg\":\"HS256\"},\"signature\":\"0000"));
  EXPECT_NE(bytes.value.indexOf("\"interval_ms\":0.0625"), -1);
  EXPECT_NE(bytes.value.indexOf("\"values\":[-10,2,-9]"), -1);  // flat for one sensor

  QTemporaryDir dir;
  const auto path = writeEiAcquisitionFile(dir.path(), rec, EiEncoding::kJson);
  ASSERT_TRUE(path.ok()) << path.error.toStdString();
  EXPECT_TRUE(path.value.endsWith(QLatin1String("/wave.take1.json")));
  const auto again = readEiAcquisitionFile(path.value);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value.recording.label, QStringLiteral("wave"));
  EXPECT_EQ(again.value.recording.name, QStringLiteral("take1"));
  rec.label = QStringLiteral("v1.2");
  EXPECT_FALSE(eiFileName(rec, EiEncoding::kJson).ok());  // would read back as "v1"
}

TEST(EiAcquisition, ExportedSignatureChecksOutWithPythonsHmac) {
  // An implementation that is not tinyscope's: Python's hmac over the written bytes with the
  // signature zeroed in place.
  const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
  if (python.isEmpty()) GTEST_SKIP() << "python3 is not installed";
  QTemporaryDir dir;
  const auto path = writeEiAcquisitionFile(dir.path(), imu(), EiEncoding::kJson, kKey);
  ASSERT_TRUE(path.ok()) << path.error.toStdString();
  const char* script =
      "import hashlib, hmac, re, sys\n"
      "b = open(sys.argv[1], 'rb').read()\n"
      "m = re.search(rb'\"signature\":\"([0-9a-f]{64})\"', b)\n"
      "z = b[:m.start(1)] + b'0' * 64 + b[m.end(1):]\n"
      "sys.exit(0 if hmac.new(sys.argv[2].encode(), z, hashlib.sha256).hexdigest().encode() == "
      "m.group(1) else 3)\n";
  EXPECT_EQ(QProcess::execute(
                python, {QStringLiteral("-c"), QString::fromLatin1(script), path.value, kKey}),
            0);
  EXPECT_EQ(QProcess::execute(python, {QStringLiteral("-c"), QString::fromLatin1(script),
                                       path.value, QStringLiteral("other")}),
            3);
}

TEST(EiAcquisition, FileNameRule) {
  EXPECT_EQ(eiLabelFromFileName(QStringLiteral("idle.01.json")), QStringLiteral("idle"));
  EXPECT_EQ(eiNameFromFileName(QStringLiteral("idle.01.json")), QStringLiteral("01"));
  EXPECT_EQ(eiLabelFromFileName(QStringLiteral("/a/b.c/yes.wav")), QStringLiteral("yes"));
  EXPECT_EQ(eiNameFromFileName(QStringLiteral("yes.wav")), QStringLiteral("yes"));
  EXPECT_EQ(eiLabelFromFileName(QStringLiteral("idle.json.2p7u.s1.json")), QStringLiteral("idle"));
}

TEST(EiAcquisitionHostile, MalformedAndInconsistentFilesGetOneError) {
  const QByteArray good = fixture(QStringLiteral("ei_doc_example.json"));
  const QString f = QStringLiteral("bad.json");
  expectRefused(parseEiAcquisition(good.left(good.size() / 2), f), "bad.json", "malformed JSON");
  expectRefused(parseEiAcquisition({}, f), "bad.json", "empty");
  // Each edit of the documentation's example, and the field its refusal must name.
  const struct {
    const char* from;
    const char* to;
    const char* field;
  } edits[] = {
      {"[ -9.83, 0.04, 1.27 ]", "[ -9.83, 0.04 ]", "payload.values[1]"},
      {"\"interval_ms\": 10", "\"interval_ms\": 0", "payload.interval_ms"},
      {"\"interval_ms\": 10", "\"interval_ms\": \"10\"", "payload.interval_ms"},
      {"\"ver\": \"v1\"", "\"ver\": \"v2\"", "protected.ver"},
      {"\"alg\": \"HS256\"", "\"alg\": \"RS256\"", "protected.alg"},
      {"b0ee0572a1984b93b6bc56e6576e2cbbd6bccd65d0c356e26b31bbc9a48210c6", "0", "signature"},
      {"1.23 ]", "\"x\" ]", "payload.values[2][2]"},
      {"\"sensors\"", "\"sensorz\"", "payload.sensors"},
  };
  for (const auto& edit : edits) {
    QByteArray b = good;
    b.replace(edit.from, edit.to);
    expectRefused(parseEiAcquisition(b, f), "bad.json", edit.field);
  }
  expectRefused(
      parseEiAcquisition("{\"protected\":{\"ver\":\"v1\",\"alg\":\"none\"},\"payload\":{"
                         "\"interval_ms\":1,\"sensors\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
                         "\"values\":[1,2]}}",
                         f),
      "bad.json", "payload.values[0]");  // flat values need exactly one sensor
  // Duplicated keys are ambiguous (and Qt 5.15 leaks the first value of a duplicated key when
  // it is a container): refused, also when the duplicate hides behind an escape.
  expectRefused(
      parseEiAcquisition(R"({"protected":{"ver":"v1","alg":"none"},"payload":{"a":{},"a":1}})", f),
      "bad.json", "duplicate key \"a\"");
  expectRefused(
      parseEiAcquisition(
          R"({"protected":{"ver":"v1","alg":"none"},"payload":{"alg":[],"\u0061lg":1}})", f),
      "bad.json", "duplicate key \"alg\"");
  // Deep nesting is refused by the parser, not by the stack.
  expectRefused(parseEiAcquisition(QByteArray(100000, '['), f), "bad.json", "");
}

TEST(EiAcquisitionHostile, CborDeclaringHugeSizesOrTrailingData) {
  const QString f = QStringLiteral("bad.cbor");
  // A map declaring 2^64-1 pairs, a text declaring 4 GiB, an array of 2^32 elements: each
  // with a handful of bytes behind it. Nothing may be allocated from these sizes.
  expectRefused(parseEiAcquisition(QByteArray::fromHex("bbffffffffffffffff"), f), "bad.cbor",
                "CBOR");
  expectRefused(parseEiAcquisition(QByteArray::fromHex("a17bffffffff0000000061"), f), "bad.cbor",
                "");
  expectRefused(parseEiAcquisition(QByteArray::fromHex("a1617a9affffffff01"), f), "bad.cbor", "");
  QByteArray good = fixture(QStringLiteral("mixed_unsigned.cbor"));
  expectRefused(parseEiAcquisition(good + QByteArray("\x00", 1), f), "bad.cbor", "follows");
  expectRefused(parseEiAcquisition(good.left(good.size() - 3), f), "bad.cbor", "CBOR");
  // NaN (float16 0x7e00) is not a reading.
  good.replace(QByteArray::fromHex("f9c100"), QByteArray::fromHex("f97e00"));
  expectRefused(parseEiAcquisition(good, f), "bad.cbor", "payload.values[0][1]");
}
