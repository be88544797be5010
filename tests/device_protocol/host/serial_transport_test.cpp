// SerialTransport against a real pseudo-terminal pair: the test plays the device.
#include <gtest/gtest.h>

#include <QSignalSpy>

#include "device_protocol/host/serial_transport.h"
#include "tests/support/pty_pair.h"

using tinyscope::link::SerialTransport;

namespace {
QByteArray collect(QSignalSpy& spy) {
  QByteArray all;
  for (const auto& args : spy) all += args.at(0).toByteArray();
  return all;
}
}  // namespace

TEST(SerialTransport, BytesFlowBothWaysWithArrivalTimestamps) {
  PtyPair pty;
  ASSERT_TRUE(pty.ok());
  SerialTransport t(QString::fromStdString(pty.slavePath()), 921600);
  QSignalSpy opened(&t, &SerialTransport::opened);
  QSignalSpy rx(&t, &SerialTransport::bytesReceived);
  t.open();
  ASSERT_EQ(opened.count(), 1);
  EXPECT_TRUE(t.isOpen());

  QByteArray payload;
  for (int i = 0; i < 100000; ++i) payload.append(static_cast<char>(i * 7));
  // The device writes in 1 KiB bursts while the transport's event loop drains the pty.
  for (int off = 0; off < payload.size(); off += 1024) {
    ASSERT_TRUE(pty.writeAll(payload.constData() + off,
                             static_cast<size_t>(std::min(1024, int(payload.size()) - off))));
    QCoreApplication::processEvents();
  }
  for (int i = 0; i < 200 && collect(rx).size() < payload.size(); ++i) rx.wait(50);
  EXPECT_EQ(collect(rx), payload);
  qint64 last = 0;
  for (const auto& args : rx) {
    EXPECT_GE(args.at(1).toLongLong(), last);
    last = args.at(1).toLongLong();
  }

  ASSERT_TRUE(t.write("hello device"));
  std::string got;
  for (int i = 0; i < 50 && got.size() < 12; ++i) {
    QCoreApplication::processEvents();
    pty.readSome(&got, 20);
  }
  EXPECT_EQ(got, "hello device");
}

TEST(SerialTransport, MissingPortIsOneClearError) {
  SerialTransport t("/dev/does-not-exist-tinyscope", 115200);
  QSignalSpy err(&t, &SerialTransport::errorOccurred);
  QSignalSpy closed(&t, &SerialTransport::closed);
  t.open();
  ASSERT_EQ(err.count(), 1);
  EXPECT_EQ(closed.count(), 1);
  const QString msg = err.at(0).at(0).toString();
  EXPECT_TRUE(msg.startsWith("serial:/dev/does-not-exist-tinyscope")) << msg.toStdString();
  EXPECT_TRUE(msg.contains("cannot open")) << msg.toStdString();
  EXPECT_FALSE(t.write("x"));
}

TEST(SerialTransport, DeviceThatDisappearsIsReportedAndAnotherCanBeOpened) {
  auto pty = std::make_unique<PtyPair>();
  ASSERT_TRUE(pty->ok());
  SerialTransport t(QString::fromStdString(pty->slavePath()), 115200);
  QSignalSpy err(&t, &SerialTransport::errorOccurred);
  QSignalSpy closed(&t, &SerialTransport::closed);
  t.open();
  ASSERT_TRUE(t.isOpen());
  pty->closeSlaveKeepAlive();
  pty->closeMaster();  // the board is unplugged
  for (int i = 0; i < 40 && closed.isEmpty(); ++i) closed.wait(50);
  ASSERT_EQ(closed.count(), 1);
  ASSERT_GE(err.count(), 1);
  EXPECT_TRUE(err.last().at(0).toString().contains("disappeared"))
      << err.last().at(0).toString().toStdString();
  EXPECT_FALSE(t.isOpen());

  // Plugged back in (a new pty stands in for the re-enumerated port).
  PtyPair again;
  SerialTransport t2(QString::fromStdString(again.slavePath()), 115200);
  QSignalSpy rx(&t2, &SerialTransport::bytesReceived);
  t2.open();
  ASSERT_TRUE(t2.isOpen());
  again.writeAll("back", 4);
  ASSERT_TRUE(rx.wait(2000));
  EXPECT_EQ(rx.at(0).at(0).toByteArray(), "back");
}
