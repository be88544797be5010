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
