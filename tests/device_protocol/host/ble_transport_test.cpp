// BleTransport down to the GATT boundary, against a fake NUS peer. No Bluetooth radio or
// virtual controller can exist on this machine (the kernel has no AF_BLUETOOTH), so the
// QtBluetooth channel itself is not exercised here.
#include <gtest/gtest.h>

#include <QSignalSpy>

#include "device_protocol/host/ble_transport.h"

using namespace tinyscope::link;

namespace {

const QBluetoothUuid kRx{QStringLiteral("6E400002-B5A3-F393-E0A9-E50E24DCCA9E")};
const QBluetoothUuid kTx{QStringLiteral("6E400003-B5A3-F393-E0A9-E50E24DCCA9E")};

class FakeNusPeer : public NusChannel {
 public:
  QList<NusCharacteristic> chars{{kRx, kPropWrite | kPropWriteNoResponse}, {kTx, kPropNotify}};
  int mtu = 23;
  bool autoAck = true;
  QList<QByteArray> written;
  QList<bool> withoutResponse;

  void connectToPeer() override { Q_EMIT ready(chars, mtu); }
  void disconnectFromPeer() override { Q_EMIT disconnected(); }
  void writeChunk(const QByteArray& chunk, bool noResponse) override {
    written.append(chunk);
    withoutResponse.append(noResponse);
    if (!noResponse && autoAck) Q_EMIT chunkWritten();
  }
  void deviceNotifies(const QByteArray& b) { Q_EMIT notified(b); }
  void ack() { Q_EMIT chunkWritten(); }
};

}  // namespace

TEST(BleNus, PicksCharacteristicsByProperties) {
  // Order and UUIDs differ from the reference NUS: properties decide.
  const QList<NusCharacteristic> c{{kTx, kPropNotify}, {kRx, kPropWrite}};
  const NusChoice choice = pickNusCharacteristics(c);
  EXPECT_EQ(choice.notifyIndex, 0);
  EXPECT_EQ(choice.writeIndex, 1);
  EXPECT_FALSE(choice.writeWithoutResponse);
  EXPECT_TRUE(
      pickNusCharacteristics({{kRx, kPropWrite}, {kRx, kPropWriteNoResponse}, {kTx, kPropIndicate}})
          .writeWithoutResponse);
  EXPECT_FALSE(pickNusCharacteristics({{kRx, kPropWrite}}).ok());
}

TEST(BleNus, PayloadFollowsMtu) {
  EXPECT_EQ(nusPayloadForMtu(23), 20);
  EXPECT_EQ(nusPayloadForMtu(247), 244);
  EXPECT_EQ(nusPayloadForMtu(5), 20);  // below the ATT minimum
}

TEST(BleTransport, ChunksWritesToTheMtuAndPassesNotificationsOn) {
  auto* peer = new FakeNusPeer;
  peer->mtu = 100;
  BleTransport t("AA:BB:CC:DD:EE:FF", peer);
  QSignalSpy opened(&t, &BleTransport::opened);
  QSignalSpy rx(&t, &BleTransport::bytesReceived);
  t.open();
  ASSERT_EQ(opened.count(), 1);
  QByteArray frame(1000, 'x');
  for (int i = 0; i < frame.size(); ++i) frame[i] = static_cast<char>(i);
  ASSERT_TRUE(t.write(frame));
  ASSERT_EQ(peer->written.size(), 11);  // 10 × 97 + 30
  QByteArray joined;
  for (const QByteArray& c : peer->written) {
    EXPECT_LE(c.size(), 97);
    joined += c;
  }
  EXPECT_EQ(joined, frame);
  EXPECT_TRUE(peer->withoutResponse.at(0));

  peer->deviceNotifies("abc");
  peer->deviceNotifies("def");
  ASSERT_EQ(rx.count(), 2);
  EXPECT_EQ(rx.at(1).at(0).toByteArray(), "def");
}

TEST(BleTransport, WriteWithResponseKeepsOneChunkInFlight) {
  auto* peer = new FakeNusPeer;
  peer->chars = {{kRx, kPropWrite}, {kTx, kPropNotify}};
  peer->autoAck = false;
  BleTransport t("AA:BB:CC:DD:EE:FF", peer);
  t.open();
  ASSERT_TRUE(t.write(QByteArray(50, 'a')));  // 20 + 20 + 10
  EXPECT_EQ(peer->written.size(), 1);
  EXPECT_EQ(t.pendingChunks(), 2);
  peer->ack();
  EXPECT_EQ(peer->written.size(), 2);
  peer->ack();
  peer->ack();
  EXPECT_EQ(peer->written.size(), 3);
  EXPECT_EQ(peer->written.at(2).size(), 10);
}

TEST(BleTransport, DisconnectMidTransferReportsUnsentChunks) {
  auto* peer = new FakeNusPeer;
  peer->chars = {{kRx, kPropWrite}, {kTx, kPropNotify}};
  peer->autoAck = false;
  BleTransport t("AA:BB:CC:DD:EE:FF", peer);
  QSignalSpy err(&t, &BleTransport::errorOccurred);
  QSignalSpy closed(&t, &BleTransport::closed);
  t.open();
  t.write(QByteArray(100, 'a'));
  Q_EMIT peer->disconnected();
  ASSERT_EQ(closed.count(), 1);
  ASSERT_EQ(err.count(), 1);
  EXPECT_EQ(err.at(0).at(0).toString(),
            "ble:AA:BB:CC:DD:EE:FF: disconnected with 4 chunk(s) unsent");
  EXPECT_FALSE(t.write("x"));
}

TEST(BleTransport, ServiceWithoutNotifyCharacteristicIsRefused) {
  auto* peer = new FakeNusPeer;
  peer->chars = {{kRx, kPropWrite}};
  BleTransport t("AA:BB:CC:DD:EE:FF", peer);
  QSignalSpy err(&t, &BleTransport::errorOccurred);
  t.open();
  EXPECT_FALSE(t.isOpen());
  ASSERT_GE(err.count(), 1);
  EXPECT_TRUE(err.at(0).at(0).toString().contains("no notifying characteristic"));
}
