#pragma once
// ConnectionState: the one connection state every view of a device follows.
//
//   Disconnected --connectTo--> Connecting --handshake / first text samples--> Connected
//   Connected --first window of a stream--> Streaming --stopStream--> Connected
//   Connected/Streaming --link gone (unplugged, process died)--> Lost --retry--> Reconnecting
//   Reconnecting --handshake--> Connected (streams restart from Connected)
//   any --disconnectDevice, or Connecting failed (bad address, port did not open)--> Disconnected
//
// A value type; no thread rules.
#include <QMetaType>
#include <QString>

namespace tinyscope {

enum class ConnectionState {
  kDisconnected,
  kConnecting,
  kConnected,
  kStreaming,
  kLost,
  kReconnecting
};

// "disconnected", "connecting", ... (for logs, tests and the status bar).
QString connectionStateName(ConnectionState state);
// The device answers requests (Connected or Streaming).
inline bool isLive(ConnectionState s) {
  return s == ConnectionState::kConnected || s == ConnectionState::kStreaming;
}

}  // namespace tinyscope

Q_DECLARE_METATYPE(tinyscope::ConnectionState)
