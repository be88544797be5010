#pragma once
// RequestRouter: hands each device reply to whoever sent the request it answers, by the
// header's request id — never to whoever happens to listen to the link. A caller says what
// it waits for:
//
//   router.expect<proto::Ack>(id, QStringLiteral("FlashEnd for slot 1"), 15000,
//                             [](const proto::Ack& a) {...},      // the reply
//                             [](const proto::Nack& n) {...},     // the device refused
//                             [](const QString& why) {...});      // timeout or link lost
//
// Exactly one of the three callbacks runs, once, and the wait ends at once: a reply or a
// Nack does not wait out the timeout. The timeout message names what was asked. Replies of
// another type with the same id (e.g. the TensorChunks of a run) are not consumed.
//
// Thread: lives in the session's thread; callbacks run there, from deliver()/failAll() or
// the timeout. Memory: one small entry (three std::function and a timer) per request in
// flight. A callback may call expect()/cancel() again (re-entrancy safe).
#include <QObject>
#include <QString>
#include <QTimer>
#include <functional>
#include <map>
#include <memory>

#include "device_protocol/messages.h"

namespace tinyscope {

class RequestRouter : public QObject {
  Q_OBJECT
 public:
  using NackHandler = std::function<void(const proto::Nack&)>;
  using FailHandler = std::function<void(const QString& why)>;

  explicit RequestRouter(QString deviceName, QObject* parent = nullptr);
  ~RequestRouter() override;

  // Waits for a Reply (or a Nack) echoing `requestId`; timeoutMs <= 0 waits until cancel()
  // or failAll(). A second expect() for the same id replaces the first (which is dropped
  // silently). `what` names the request in the timeout message ("no answer to <what>").
  template <class Reply>
  void expect(quint16 requestId, const QString& what, int timeoutMs,
              std::function<void(const Reply&)> onReply, NackHandler onNack, FailHandler onFail) {
    Pending p;
    p.replyType = Reply::kType;
    p.what = what;
    p.onReply = [onReply = std::move(onReply)](const void* m) {
      if (onReply) onReply(*static_cast<const Reply*>(m));
    };
    p.onNack = std::move(onNack);
    p.onFail = std::move(onFail);
    add(requestId, std::move(p), timeoutMs);
  }

  // Offers a received message; true when it ended someone's wait (its callback has run).
  template <class T>
  bool deliver(const proto::Header& header, const T& message) {
    return deliverRaw(header, T::kType, &message);
  }
  bool deliver(const proto::Header& header, const proto::Nack& nack);

  // Stops waiting for `requestId` without calling anything.
  void cancel(quint16 requestId);
  // Ends every wait with onFail(why) (the link closed, the device restarted).
  void failAll(const QString& why);
  bool waiting(quint16 requestId) const;
  int pendingCount() const { return static_cast<int>(m_pending.size()); }

 private:
  struct Pending {
    proto::MessageType replyType = proto::MessageType::kAck;
    QString what;
    std::function<void(const void*)> onReply;
    NackHandler onNack;
    FailHandler onFail;
    std::shared_ptr<QTimer> timer;
  };
  void add(quint16 requestId, Pending p, int timeoutMs);
  bool deliverRaw(const proto::Header& header, proto::MessageType type, const void* message);
  // Removes and returns the entry (so callbacks may add new ones while running).
  bool take(quint16 requestId, Pending* out);

  QString m_deviceName;
  std::map<quint16, Pending> m_pending;
};

}  // namespace tinyscope
