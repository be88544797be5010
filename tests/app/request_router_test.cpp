// RequestRouter: a reply reaches only the one who asked, by request id; a reply or a Nack
// ends the wait at once; a timeout names what was asked; the same id with another reply
// type (a run's TensorChunks) is not consumed.
#include <gtest/gtest.h>

#include <QTest>

#include "app/core/device/request_router.h"
#include "app/core/device/sequence_tracker.h"

using namespace tinyscope;
using namespace tinyscope::proto;

namespace {
Header reply(MessageType type, quint16 id) {
  Header h;
  h.type = type;
  h.requestId = id;
  return h;
}
}  // namespace

TEST(RequestRouter, RepliesGoToWhoeverAskedAndEndTheWait) {
  RequestRouter router(QStringLiteral("fake:"));
  int acks7 = 0, acks8 = 0, nacks = 0, fails = 0;
  router.expect<Ack>(
      7, "FlashChunk", 5000, [&](const Ack& a) { acks7 += static_cast<int>(a.value); },
      [&](const Nack&) { ++nacks; }, [&](const QString&) { ++fails; });
  router.expect<Ack>(
      8, "FlashEnd", 5000, [&](const Ack&) { ++acks8; }, [&](const Nack&) { ++nacks; },
      [&](const QString&) { ++fails; });
  Ack a;
  a.value = 3;
  EXPECT_FALSE(router.deliver(reply(MessageType::kAck, 9), a));  // nobody asked
  EXPECT_FALSE(router.deliver(reply(MessageType::kAck, 0), a));  // unsolicited
  SlotInfo wrongType;
  EXPECT_FALSE(router.deliver(reply(MessageType::kSlotInfo, 7), wrongType));
  EXPECT_TRUE(router.deliver(reply(MessageType::kAck, 7), a));
  EXPECT_FALSE(router.deliver(reply(MessageType::kAck, 7), a));  // answered already
  EXPECT_EQ(acks7, 3);
  EXPECT_EQ(acks8, 0);
  EXPECT_TRUE(router.deliver(reply(MessageType::kNack, 8), Nack()));
  EXPECT_EQ(nacks, 1);
  EXPECT_EQ(router.pendingCount(), 0);
  QTest::qWait(50);
  EXPECT_EQ(fails, 0);
}

TEST(RequestRouter, ATimeoutNamesTheRequestAndFailAllEndsEveryWait) {
  RequestRouter router(QStringLiteral("serial:/dev/ttyX"));
  QString why;
  router.expect<SlotInfo>(3, "SlotInfoRequest for slot 2", 50, {}, {},
                          [&](const QString& w) { why = w; });
  QTest::qWait(200);
  EXPECT_EQ(why, "serial:/dev/ttyX: no answer to SlotInfoRequest for slot 2 within 0.05 s");
  int failed = 0;
  router.expect<Ack>(4, "a", 0, {}, {}, [&](const QString&) { ++failed; });
  router.expect<Ack>(5, "b", 0, {}, {}, [&](const QString&) { ++failed; });
  router.failAll(QStringLiteral("the link closed"));
  EXPECT_EQ(failed, 2);
  EXPECT_EQ(router.pendingCount(), 0);
}

TEST(SequenceTracker, SixteenBitWrapIsNotLossAndBackwardsIsARestart) {
  SequenceTracker t(16, 0x7FFF);
  t.add(65534);
  t.add(65535);
  t.add(0);
  t.add(1);
  EXPECT_EQ(t.counts().missing, 0u);
  EXPECT_EQ(t.add(40000), SequenceTracker::Event::kRestart);
  EXPECT_EQ(t.counts().missing, 0u);
  EXPECT_EQ(t.add(40003), SequenceTracker::Event::kGap);
  EXPECT_EQ(t.counts().missing, 2u);
  EXPECT_EQ(t.add(40001), SequenceTracker::Event::kLate);
  EXPECT_EQ(t.add(40001), SequenceTracker::Event::kDuplicate);
  EXPECT_EQ(t.counts().missing, 1u);
}
