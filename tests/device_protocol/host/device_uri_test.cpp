#include <gtest/gtest.h>

#include "device_protocol/host/device_uri.h"

using tinyscope::link::DeviceUri;
using tinyscope::link::parseDeviceUri;

namespace {
DeviceUri parseOk(const QString& text) {
  DeviceUri u;
  QString error;
  EXPECT_TRUE(parseDeviceUri(text, &u, &error))
      << text.toStdString() << ": " << error.toStdString();
  return u;
}
QString parseError(const QString& text) {
  DeviceUri u;
  QString error;
  EXPECT_FALSE(parseDeviceUri(text, &u, &error)) << text.toStdString();
  EXPECT_FALSE(error.contains('\n'));
  return error;
}
}  // namespace

TEST(DeviceUri, Serial) {
  const DeviceUri u = parseOk("serial:/dev/ttyACM0?baud=921600");
  EXPECT_EQ(u.kind, DeviceUri::Kind::kSerial);
  EXPECT_EQ(u.target, "/dev/ttyACM0");
  EXPECT_EQ(u.option("baud"), "921600");
  EXPECT_EQ(parseOk("serial:/dev/pts/3").option("baud", "115200"), "115200");
}

TEST(DeviceUri, BleTcpSimQemu) {
  EXPECT_EQ(parseOk("ble:aa:bb:cc:dd:ee:ff").target, "AA:BB:CC:DD:EE:FF");
  const DeviceUri t = parseOk("tcp:127.0.0.1:5555");
  EXPECT_EQ(t.target, "127.0.0.1");
  EXPECT_EQ(t.port, 5555);
  const DeviceUri s = parseOk("sim:?model=/tmp/m%20x.tflite&sensor=imu");
  EXPECT_EQ(s.kind, DeviceUri::Kind::kSimulator);
  EXPECT_EQ(s.option("model"), "/tmp/m x.tflite");
  EXPECT_EQ(s.option("sensor"), "imu");
  EXPECT_EQ(parseOk("sim:").kind, DeviceUri::Kind::kSimulator);
  EXPECT_EQ(parseOk("qemu:?board=mps2-an386").option("board"), "mps2-an386");
}

TEST(DeviceUri, TextMode) {
  const DeviceUri u = parseOk("serial:/dev/ttyUSB0?baud=115200&mode=text&rate=250");
  EXPECT_TRUE(u.textMode());
  EXPECT_EQ(u.option("rate"), "250");
  EXPECT_FALSE(parseOk("serial:/dev/ttyUSB0").textMode());
  EXPECT_TRUE(parseOk("tcp:127.0.0.1:9000?mode=text").textMode());
  EXPECT_TRUE(parseError("serial:/dev/x?mode=csv").contains("mode 'csv'"));
  const DeviceUri ei = parseOk("serial:/dev/pts/4?mode=ei");
  EXPECT_TRUE(ei.eiMode());
  EXPECT_FALSE(ei.textMode());
  EXPECT_TRUE(parseOk("tcp:127.0.0.1:9000?mode=ei").eiMode());
  EXPECT_TRUE(parseError("serial:/dev/x?mode=text&rate=fast").contains("rate 'fast'"));
}

TEST(DeviceUri, BadAddressesNameWhatIsWrong) {
  EXPECT_TRUE(parseError("/dev/ttyACM0").contains("no scheme"));
  EXPECT_TRUE(parseError("usb:/dev/x").contains("unknown device scheme 'usb'"));
  EXPECT_TRUE(parseError("serial:").contains("no port"));
  EXPECT_TRUE(parseError("serial:/dev/x?baud=fast").contains("baud 'fast'"));
  EXPECT_TRUE(parseError("serial:/dev/x?parity=odd").contains("unknown option 'parity'"));
  EXPECT_TRUE(parseError("ble:12:34").contains("not a Bluetooth address"));
  EXPECT_TRUE(parseError("tcp:localhost").contains("HOST:PORT"));
  EXPECT_TRUE(parseError("tcp:localhost:99999").contains("port '99999'"));
  EXPECT_TRUE(parseError("sim:?sensr=imu").contains("unknown option 'sensr'"));
}
