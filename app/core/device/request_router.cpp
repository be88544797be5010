#include "app/core/device/request_router.h"

namespace tinyscope {

RequestRouter::RequestRouter(QString deviceName, QObject* parent)
    : QObject(parent), m_deviceName(std::move(deviceName)) {}

RequestRouter::~RequestRouter() = default;

void RequestRouter::add(quint16 requestId, Pending p, int timeoutMs) {
  cancel(requestId);
  if (timeoutMs > 0) {
    // Deleted later: the last owner may drop it inside its own timeout signal.
    p.timer = std::shared_ptr<QTimer>(new QTimer, [](QTimer* t) { t->deleteLater(); });
    p.timer->setSingleShot(true);
    const QString what = p.what;
    connect(p.timer.get(), &QTimer::timeout, this, [this, requestId, what, timeoutMs] {
      Pending mine;
      if (!take(requestId, &mine)) return;
      if (mine.onFail)
        mine.onFail(QStringLiteral("%1: no answer to %2 within %3 s")
                        .arg(m_deviceName, what)
                        .arg(timeoutMs / 1000.0));
    });
    p.timer->start(timeoutMs);
  }
  m_pending[requestId] = std::move(p);
}

bool RequestRouter::take(quint16 requestId, Pending* out) {
  auto it = m_pending.find(requestId);
  if (it == m_pending.end()) return false;
  *out = std::move(it->second);
  m_pending.erase(it);
  if (out->timer) {
    out->timer->stop();
    out->timer->disconnect(this);
  }
  return true;
}

bool RequestRouter::deliverRaw(const proto::Header& header, proto::MessageType type,
                               const void* message) {
  if (header.requestId == 0) return false;
  auto it = m_pending.find(header.requestId);
  if (it == m_pending.end() || it->second.replyType != type) return false;
  Pending mine;
  take(header.requestId, &mine);
  mine.onReply(message);
  return true;
}

bool RequestRouter::deliver(const proto::Header& header, const proto::Nack& nack) {
  if (header.requestId == 0) return false;
  Pending mine;
  if (!take(header.requestId, &mine)) return false;
  if (mine.onNack) mine.onNack(nack);
  return true;
}

void RequestRouter::cancel(quint16 requestId) {
  Pending dropped;
  take(requestId, &dropped);
}

void RequestRouter::failAll(const QString& why) {
  while (!m_pending.empty()) {
    Pending mine;
    take(m_pending.begin()->first, &mine);
    if (mine.onFail) mine.onFail(why);
  }
}

bool RequestRouter::waiting(quint16 requestId) const {
  return m_pending.count(requestId) != 0;
}

}  // namespace tinyscope
