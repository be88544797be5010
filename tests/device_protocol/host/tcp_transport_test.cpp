#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>

#include "device_protocol/host/tcp_transport.h"

using tinyscope::link::TcpTransport;

TEST(TcpTransport, ConnectsExchangesBytesAndSeesTheDeviceLeave) {
  QTcpServer server;
  ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0));
  TcpTransport t("127.0.0.1", server.serverPort());
  QSignalSpy opened(&t, &TcpTransport::opened);
  QSignalSpy rx(&t, &TcpTransport::bytesReceived);
  QSignalSpy closed(&t, &TcpTransport::closed);
  t.open();
  ASSERT_TRUE(server.waitForNewConnection(3000));
  QTcpSocket* device = server.nextPendingConnection();
  if (opened.isEmpty()) ASSERT_TRUE(opened.wait(3000));
  EXPECT_EQ(t.address(), QString("tcp:127.0.0.1:%1").arg(server.serverPort()));

  device->write("frame bytes");
  device->flush();
  ASSERT_TRUE(rx.wait(3000));
  EXPECT_EQ(rx.at(0).at(0).toByteArray(), "frame bytes");

  QSignalSpy deviceRx(device, &QTcpSocket::readyRead);
  ASSERT_TRUE(t.write("to device"));
  ASSERT_TRUE(deviceRx.wait(3000));
  EXPECT_EQ(device->readAll(), "to device");

  device->close();
  if (closed.isEmpty()) ASSERT_TRUE(closed.wait(3000));
  EXPECT_FALSE(t.isOpen());
}

TEST(TcpTransport, RefusedConnectionIsOneClearError) {
  QTcpServer server;
  ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0));
  const quint16 port = server.serverPort();
  server.close();  // nothing listens there now
  TcpTransport t("127.0.0.1", port);
  QSignalSpy err(&t, &TcpTransport::errorOccurred);
  QSignalSpy closed(&t, &TcpTransport::closed);
  t.open();
  if (closed.isEmpty()) ASSERT_TRUE(closed.wait(3000));
  ASSERT_EQ(err.count(), 1);
  EXPECT_TRUE(err.at(0).at(0).toString().startsWith(QString("tcp:127.0.0.1:%1: ").arg(port)));
}
