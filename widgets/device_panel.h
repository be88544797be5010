#pragma once
// DevicePanel: pick a device by address, connect, see its handshake, start/stop a sensor
// stream, run an inference, and watch link counters. It only emits requests; whoever owns
// the DeviceController acts on them; it sees only value types (DeviceInfo, LinkStatus). GUI
// thread only.
#include <QWidget>

#include "app/core/device/connection_state.h"
#include "app/core/device/link_status.h"

class QComboBox;
class QLabel;
class QPushButton;

namespace tinyscope::ui {

class DevicePanel : public QWidget {
  Q_OBJECT
 public:
  explicit DevicePanel(QWidget* parent = nullptr);

  void setAddresses(const QStringList& addresses, const QString& current);
  QString address() const;
  // Follows the controller's state: the button (Connect / Cancel / Disconnect), the state
  // line, and which controls are enabled. Lost/Reconnecting keep the handshake shown.
  void showState(ConnectionState state, const QString& address);
  ConnectionState state() const { return m_state; }
  void showConnecting(const QString& address);
  void showConnected(const DeviceInfo& info);
  void showDisconnected(const QString& reason);
  void showStatus(const LinkStatus& status, quint64 droppedInGui);
  void setStreaming(bool on);
  void setRunEnabled(bool enabled, const QString& why);
  int selectedSensor() const;

 Q_SIGNALS:
  void connectRequested(const QString& address);
  void disconnectRequested();
  void streamRequested(int sensorId, bool on);
  void runRequested();

 private:
  QComboBox* m_address;
  QPushButton* m_connect;
  QLabel* m_stateLine;
  QLabel* m_info;
  QComboBox* m_sensor;
  QPushButton* m_stream;
  QPushButton* m_run;
  QLabel* m_counters;
  bool m_streaming = false;
  bool m_agent = false;  // the connected device runs the agent (not a text board)
  ConnectionState m_state = ConnectionState::kDisconnected;
};

}  // namespace tinyscope::ui
