// The device launchers' host-side pieces: the slot image a qemu: device boots with (the
// firmware's slot header from hal.h at the board's slot address from slot_layout.h), the
// qemu: address checks, and the one device list the GUI and the CLI share.
#include <gtest/gtest.h>

#include <QFile>
#include <QTemporaryDir>

#include "app/core/device/device_list.h"
#include "app/core/device/launchers/qemu_launcher.h"

namespace {

// CRC-32/IEEE, bit by bit: an independent check of the header the firmware will verify.
quint32 referenceCrc32(const QByteArray& b) {
  quint32 crc = 0xFFFFFFFFu;
  for (char c : b) {
    crc ^= static_cast<quint8>(c);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

quint32 le32(const QByteArray& b, int at) {
  quint32 v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<quint8>(b[at + i]);
  return v;
}

QByteArray readAll(const QString& path) {
  QFile f(path);
  EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << path.toStdString();
  return f.readAll();
}

}  // namespace

TEST(QemuLauncher, SlotImageIsTheFirmwareHeaderThenTheModelAtTheBoardsSlotAddress) {
  QTemporaryDir dir;
  const QString path = dir.filePath("slot.bin");
  const QByteArray model("123456789");
  quint32 address = 0;
  QString error;
  ASSERT_TRUE(tinyscope::writeSlotImage(model, "mps2-an386", 1, path, &address, &error))
      << error.toStdString();
  EXPECT_EQ(address, 0x21400000u);  // slot 1 = 0x21000000 + 4 MiB
  const QByteArray image = readAll(path);
  ASSERT_EQ(image.size(), 32 + model.size());
  EXPECT_EQ(image.left(4), QByteArray("TSMS"));
  EXPECT_EQ(image[4], 1);   // version
  EXPECT_EQ(image[6], 32);  // header size
  EXPECT_EQ(le32(image, 8), 9u);
  EXPECT_EQ(le32(image, 12), 0xCBF43926u);  // the CRC-32 check value of "123456789"
  EXPECT_EQ(image.mid(16, 12), QByteArray(12, '\0'));
  EXPECT_EQ(le32(image, 28), referenceCrc32(image.left(28)));
  EXPECT_EQ(image.mid(32), model);

  ASSERT_TRUE(tinyscope::writeSlotImage(model, "netduinoplus2", 0, path, &address, &error));
  EXPECT_EQ(address, 0x08040000u);
}

TEST(QemuLauncher, SlotImageRefusesWhatTheBoardCannotHold) {
  QTemporaryDir dir;
  const QString path = dir.filePath("slot.bin");
  quint32 address = 0;
  QString error;
  EXPECT_FALSE(tinyscope::writeSlotImage("x", "stm32f999", 0, path, &address, &error));
  EXPECT_TRUE(error.contains("unknown board 'stm32f999'")) << error.toStdString();
  EXPECT_FALSE(tinyscope::writeSlotImage("x", "mps2-an386", 2, path, &address, &error));
  EXPECT_TRUE(error.contains("slot 2: mps2-an386 has slots 0..1")) << error.toStdString();
  EXPECT_FALSE(tinyscope::writeSlotImage({}, "mps2-an386", 0, path, &address, &error));
  EXPECT_TRUE(error.contains("0 bytes does not fit")) << error.toStdString();
  // One byte more than a 384 KiB netduinoplus2 slot holds after its 32-byte header.
  const QByteArray big(384 * 1024 - 32 + 1, 'm');
  EXPECT_FALSE(tinyscope::writeSlotImage(big, "netduinoplus2", 0, path, &address, &error));
  EXPECT_TRUE(error.contains("393185 bytes does not fit a netduinoplus2 slot (1..393184 bytes)"))
      << error.toStdString();
  EXPECT_FALSE(QFile::exists(path));
  EXPECT_FALSE(tinyscope::writeSlotImage("x", "mps2-an386", 0, dir.filePath("no/such/dir/s.bin"),
                                         &address, &error));
  EXPECT_TRUE(error.contains("cannot write the slot image")) << error.toStdString();
}

namespace {

// A canonical 44-byte-header PCM WAV, written byte by byte.
void writeWav(const QString& path, quint32 rate, quint16 bits, const QByteArray& data) {
  QByteArray w("RIFF");
  auto u32 = [&w](quint32 v) {
    for (int i = 0; i < 4; ++i) w.append(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  auto u16 = [&w](quint16 v) {
    w.append(static_cast<char>(v & 0xFF));
    w.append(static_cast<char>(v >> 8));
  };
  u32(36 + static_cast<quint32>(data.size()));
  w.append("WAVEfmt ");
  u32(16);
  u16(1);  // PCM
  u16(1);  // mono
  u32(rate);
  u32(rate * bits / 8);
  u16(bits / 8);
  u16(bits);
  w.append("data");
  u32(static_cast<quint32>(data.size()));
  w.append(data);
  QFile f(path);
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write(w);
}

}  // namespace

TEST(QemuLauncher, AudioClipIsTheHeaderThenTheSamplesAtTheBoardsClipAddress) {
  QTemporaryDir dir;
  const QString wav = dir.filePath("three.wav"), clip = dir.filePath("audio.bin");
  writeWav(wav, 16000, 16, QByteArray::fromHex("0100ffff0080"));  // 1, -1, -32768
  quint32 address = 0;
  QString error;
  ASSERT_TRUE(tinyscope::writeAudioClip(wav, "mps2-an386", clip, &address, &error))
      << error.toStdString();
  EXPECT_EQ(address, 0x21900000u);
  const QByteArray bytes = readAll(clip);
  ASSERT_EQ(bytes.size(), 16 + 6);
  EXPECT_EQ(bytes.left(4), QByteArray("TSAU"));
  EXPECT_EQ(le32(bytes, 4), 16000u);
  EXPECT_EQ(le32(bytes, 8), 3u);
  EXPECT_EQ(le32(bytes, 12), 0u);
  EXPECT_EQ(bytes.mid(16), QByteArray::fromHex("0100ffff0080"));

  EXPECT_FALSE(tinyscope::writeAudioClip(wav, "netduinoplus2", clip, &address, &error));
  EXPECT_TRUE(error.contains("netduinoplus2 has no audio sensor")) << error.toStdString();
  writeWav(wav, 8000, 16, QByteArray::fromHex("0100"));
  EXPECT_FALSE(tinyscope::writeAudioClip(wav, "mps2-an386", clip, &address, &error));
  EXPECT_TRUE(error.contains("is sampled at 8000 Hz; the audio sensor needs 16000 Hz"))
      << error.toStdString();
  writeWav(wav, 16000, 8, QByteArray::fromHex("80"));
  EXPECT_FALSE(tinyscope::writeAudioClip(wav, "mps2-an386", clip, &address, &error));
  EXPECT_TRUE(error.contains("is not 16-bit PCM")) << error.toStdString();
}

TEST(QemuLauncher, AddressesAreCheckedBeforeAnythingStarts) {
  tinyscope::link::DeviceUri uri;
  QString error;
  ASSERT_TRUE(tinyscope::link::parseDeviceUri("qemu:?board=stm32f999", &uri, &error));
  tinyscope::QemuSettings s;
  EXPECT_FALSE(tinyscope::qemuSettingsFromUri(uri, &s, &error));
  EXPECT_TRUE(error.contains("unknown board 'stm32f999'")) << error.toStdString();
}

TEST(DeviceList, OffersTheSimulatorWithEachSensor) {
  QStringList addresses;
  for (const tinyscope::DeviceCandidate& d : tinyscope::listDevices()) {
    addresses << d.address;
    if (!d.address.startsWith("serial:"))  // a serial port may have no product string
      EXPECT_FALSE(d.description.isEmpty()) << d.address.toStdString();
  }
  for (const char* a : {"sim:?sensor=imu", "sim:?sensor=audio", "sim:?sensor=sine"})
    EXPECT_TRUE(addresses.contains(a)) << a;
}
