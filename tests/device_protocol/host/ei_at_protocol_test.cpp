// The Edge Impulse AT grammar without I/O: replies framed at the prompt whatever the chunking,
// AT+CONFIG? in the firmware's current and old forms, sampling lines, buffer decoding, and the
// bounds a lying board runs into.
#include <gtest/gtest.h>

#include "device_protocol/host/ei_at_protocol.h"

using namespace tinyscope::link;

namespace {

// What firmware-sdk's AT server prints for AT+CONFIG? (mixed \n and \r\n endings).
const QByteArray kConfigReply =
    "AT+CONFIG?\r\n"
    "===== Device info =====\n"
    "ID:         AA:BB:CC:DD:EE:FF\r\n"
    "Type:       ARDUINO_NANO33BLE\r\n"
    "AT Version: 1.6.0\r\n"
    "Data Transfer Baudrate: 460800\r\n"
    "\r\n===== Sensors ======\r\n"
    "Name: Built-in accelerometer, Max sample length: 300s, Frequencies: [62.50Hz, 100.00Hz]\n"
    "Name: Built-in microphone, Max sample length: 60s, Frequencies: [16000.00Hz]\n"
    "Name: Environmental, Max sample length: 7200s, Frequencies: [0.10Hz, 1.00Hz]\n"
    "\r\n===== Snapshot ======\r\nHas snapshot:         0\r\nSupports stream:      0\r\n"
    "\r\n===== WIFI =====\r\nSSID:      \r\nPresent:   0\r\n"
    "\r\n===== Sampling parameters =====\r\n"
    "Label:     idle\r\nInterval:  16.00 ms.\r\nLength:    10000 ms.\r\nHMAC key:  abc123\r\n"
    "\r\n===== Upload settings =====\r\nApi Key:   \r\nHost:      \r\n"
    "\r\n===== Remote management =====\r\nURL:        \r\nLast error: \r\n\r\n> ";

TEST(EiAtProtocol, ConfigInTheCurrentForm) {
  EiDeviceConfig c;
  QString error;
  const QStringList lines = eiReplyLines(kConfigReply, "AT+CONFIG?");
  ASSERT_TRUE(parseEiConfig(lines.join('\n').toLatin1(), &c, &error)) << error.toStdString();
  EXPECT_EQ(c.id, "AA:BB:CC:DD:EE:FF");
  EXPECT_EQ(c.type, "ARDUINO_NANO33BLE");
  EXPECT_EQ(c.atVersion(), "1.6.0");
  EXPECT_EQ(c.transferBaud, 460800);
  ASSERT_EQ(c.sensors.size(), 3);
  EXPECT_EQ(c.sensors[2].name, "Environmental");
  EXPECT_EQ(c.sensors[2].maxSampleLengthS, 7200);
  EXPECT_EQ(c.sensors[2].frequenciesHz, (QVector<double>{0.1, 1.0}));
  EXPECT_EQ(c.label, "idle");
  EXPECT_EQ(c.intervalMs, 16.0);
  EXPECT_EQ(c.lengthMs, 10000);
  EXPECT_EQ(c.hmacKey, "abc123");
  EXPECT_EQ(c.sensorIndex("Built-in microphone"), 1);
  EXPECT_EQ(c.transferSuffix(true), ",y");
  EXPECT_EQ(c.transferSuffix(false), ",n");
  c.atMinor = 5;
  EXPECT_EQ(c.transferSuffix(true), "");  // before 1.6 READBUFFER takes two arguments
  EXPECT_FALSE(c.usesFastTransfer(true));
}

TEST(EiAtProtocol, ConfigInTheOldFormAndRefusals) {
  EiDeviceConfig c;
  QString error;
  ASSERT_TRUE(
      parseEiConfig("===== Device info =====\nID: 1\nType: DISCO\n===== Sensors =====\n"
                    "Built-in accelerometer\nBuilt-in microphone\n",
                    &c, &error))
      << error.toStdString();
  ASSERT_EQ(c.sensors.size(), 2);
  EXPECT_EQ(c.sensors[0].frequenciesHz, (QVector<double>{62.5, 100}));
  EXPECT_EQ(c.transferBaud, 0);
  EXPECT_EQ(c.atVersion(), "1.0.0");

  EXPECT_FALSE(parseEiConfig("===== Sensors =====\nBuilt-in accelerometer\n", &c, &error));
  EXPECT_TRUE(error.contains("Device info")) << error.toStdString();
  EXPECT_FALSE(parseEiConfig("===== Device info =====\n===== Sensors =====\nGyro\n", &c, &error));
  EXPECT_TRUE(error.contains("cannot read sensor line 'Gyro'")) << error.toStdString();
  EXPECT_FALSE(
      parseEiConfig("===== Device info =====\n===== Sensors =====\n"
                    "Name: a, Max sample length: 1s, Frequencies: [-5Hz]\n",
                    &c, &error));
  EXPECT_TRUE(error.contains("'-5Hz'")) << error.toStdString();
  EXPECT_FALSE(parseEiConfig("===== Device info =====\nAT Version: one\n", &c, &error));
  EXPECT_TRUE(error.contains("AT Version")) << error.toStdString();
  QByteArray many = "===== Device info =====\n===== Sensors =====\n";
  for (int i = 0; i <= kEiMaxSensors; ++i)
    many += "Name: s" + QByteArray::number(i) + ", Max sample length: 1s, Frequencies: [1Hz]\n";
  EXPECT_FALSE(parseEiConfig(many, &c, &error));
  EXPECT_TRUE(error.contains("more than 32 sensors")) << error.toStdString();
}

TEST(EiAtProtocol, ReplyIsFramedAtThePromptForEverySplit) {
  for (int chunk = 1; chunk <= 64; ++chunk) {
    EiReplyReader r;
    r.start(kEiPrompt, kEiMaxReplyBytes);
    const QByteArray stream = kConfigReply + "trailing";
    EiReplyReader::Status st = EiReplyReader::Status::kNeedMore;
    QStringList lines;
    for (int off = 0; off < stream.size(); off += chunk) {
      st = r.feed(stream.mid(off, chunk));
      lines += r.takeLines();
    }
    ASSERT_EQ(st, EiReplyReader::Status::kComplete) << chunk;
    EXPECT_EQ(r.reply(), kConfigReply) << chunk;
    EXPECT_EQ(r.takeRemainder(), "trailing") << chunk;
    EXPECT_EQ(lines.first(), "AT+CONFIG?");
    EXPECT_TRUE(lines.contains("Label:     idle")) << chunk;
  }
}

TEST(EiAtProtocol, BytesAfterAMarkStartTheNextReply) {
  EiReplyReader r;
  r.start(kEiTransferMark, kEiMaxReplyBytes);
  ASSERT_EQ(r.feed("AT+READBUFFER=0,3,y\r\nOK\r\nQUJD\r\nOK\r\n\r\n> "),
            EiReplyReader::Status::kComplete);
  EXPECT_EQ(r.reply(), "AT+READBUFFER=0,3,y\r\nOK");
  r.start(kEiTransferMark, 100);  // carries "\r\nQUJD\r\nOK..." over
  ASSERT_EQ(r.status(), EiReplyReader::Status::kComplete);
  QByteArray out;
  QString error;
  ASSERT_TRUE(decodeEiBuffer(eiReplyLines(r.reply(), {}), 3, &out, &error)) << error.toStdString();
  EXPECT_EQ(out, "ABC");
  r.start(kEiPrompt, 100);
  EXPECT_EQ(r.status(), EiReplyReader::Status::kComplete);
}

TEST(EiAtProtocol, ReplyWithoutPromptStopsAtItsBound) {
  EiReplyReader r;
  r.start(kEiPrompt, 1000);
  EiReplyReader::Status st = EiReplyReader::Status::kNeedMore;
  for (int i = 0; i < 100 && st == EiReplyReader::Status::kNeedMore; ++i)
    st = r.feed(QByteArray(64, 'x'));
  EXPECT_EQ(st, EiReplyReader::Status::kOverflow);
  EXPECT_LE(r.reply().size(), 1000);
  EXPECT_TRUE(r.overflowed());
}

TEST(EiAtProtocol, ReplyLinesDropEchoAndPromptWhateverTheLineEndings) {
  EXPECT_EQ(eiReplyLines("AT+SAMPLESETTINGS=a,10,100\r\nOK\r\n> ", "AT+SAMPLESETTINGS=a,10,100"),
            QStringList{"OK"});
  EXPECT_EQ(eiReplyLines("AT+X\nline one\nline two\n> ", "AT+X"),
            (QStringList{"line one", "line two"}));
  EXPECT_EQ(eiReplyLines("> AT+X\rOK\r> ", "AT+X"), QStringList{"OK"});  // stale prompt, \r only
  EXPECT_EQ(eiRefusal({"OK", "Not a valid AT command (foo)"}), "Not a valid AT command (foo)");
  EXPECT_EQ(eiRefusal({"ERR: Failed to start sampling"}), "ERR: Failed to start sampling");
  EXPECT_EQ(eiRefusal({"OK"}), "");
}

TEST(EiAtProtocol, SamplingLines) {
  using Kind = EiSampleLine::Kind;
  EXPECT_EQ(parseEiSampleLine("\tFile name: /fs/device-123").fileName, "/fs/device-123");
  EXPECT_EQ(parseEiSampleLine("Starting in 2000 ms... (or until all flash was erased)").kind,
            Kind::kStarting);
  EXPECT_EQ(parseEiSampleLine("Sampling...").kind, Kind::kSampling);
  EXPECT_EQ(parseEiSampleLine("Done sampling, total bytes collected: 4800").kind,
            Kind::kDoneSampling);
  EXPECT_EQ(parseEiSampleLine("[1/1] Uploading file to Edge Impulse...").kind, Kind::kUploading);
  const EiSampleLine used =
      parseEiSampleLine("Not uploading file, not connected to WiFi. Used buffer, from=0, to=5127.");
  EXPECT_EQ(used.kind, Kind::kUsedBuffer);
  EXPECT_EQ(used.from, 0);
  EXPECT_EQ(used.to, 5127);
  EXPECT_EQ(
      parseEiSampleLine("Not uploading file, not connected to WiFi. Used buffer, from=x").kind,
      Kind::kError);
  EXPECT_EQ(parseEiSampleLine("Not uploading file, not connected to WiFi. Used buffer, "
                              "from=0, to=99999999999999999999999.")
                .kind,
            Kind::kError);  // does not fit 64 bits
  EXPECT_EQ(parseEiSampleLine("ERR: Failed to find sensor 'x' in the sensor list").kind,
            Kind::kError);
}

TEST(EiAtProtocol, SettingsCommandCarriesOnlyWhatTheSyntaxCan) {
  QString error;
  EXPECT_EQ(eiSampleSettingsCommand("wave", 16, 2000, {}, &error),
            "AT+SAMPLESETTINGS=wave,16,2000");
  EXPECT_EQ(eiSampleSettingsCommand("wave", 0.0625, 1000, "k3y", &error),
            "AT+SAMPLESETTINGS=wave,0.0625,1000,k3y");
  EXPECT_TRUE(eiSampleSettingsCommand("a,b", 16, 10, {}, &error).isEmpty());
  EXPECT_TRUE(eiSampleSettingsCommand("a\rAT+CLEARCONFIG", 16, 10, {}, &error).isEmpty());
  EXPECT_TRUE(
      eiSampleSettingsCommand(QString::fromUtf8("w\xc3\xa4lk"), 16, 10, {}, &error).isEmpty());
  EXPECT_TRUE(eiSampleSettingsCommand("a", 0, 10, {}, &error).isEmpty());
  EXPECT_TRUE(eiSampleSettingsCommand("a", 16, 0, {}, &error).isEmpty());
}

TEST(EiAtProtocol, BufferDecodesToExactlyTheDeclaredSize) {
  QByteArray out;
  QString error;
  const QString b64 = QString::fromLatin1(QByteArray("hello world").toBase64());
  ASSERT_TRUE(decodeEiBuffer({b64.left(8), b64.mid(8), "OK"}, 11, &out, &error));
  EXPECT_EQ(out, "hello world");
  EXPECT_FALSE(decodeEiBuffer({b64}, 14, &out, &error));
  EXPECT_TRUE(error.contains("16 base64 characters for 14 declared bytes")) << error.toStdString();
  EXPECT_FALSE(decodeEiBuffer({b64}, 12, &out, &error));  // as long in base64, one byte short
  EXPECT_TRUE(error.contains("decoded 11 bytes, the board declared 12")) << error.toStdString();
  EXPECT_FALSE(decodeEiBuffer({"!!!!!!!!!!!!!!!!"}, 11, &out, &error));
  EXPECT_TRUE(error.contains("not base64")) << error.toStdString();
  EXPECT_FALSE(decodeEiBuffer({b64}, kEiMaxSampleBytes + 1, &out, &error));
  EXPECT_TRUE(error.contains("more than")) << error.toStdString();
}

}  // namespace
