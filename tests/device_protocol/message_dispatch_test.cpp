#include "device_protocol/message_dispatch.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>

using namespace tinyscope::proto;
using namespace tinyscope::proto::test;

namespace {

template <class T>
Bytes encode(const T& m, uint16_t requestId) {
  Bytes out(kMaxMessageSize);
  const EncodeResult r = encodeMessage(makeHeader<T>(1, requestId), m, mut(out));
  out.resize(r.size);
  return out;
}

struct Recorder {
  std::string seen;
  uint16_t requestId = 0;
  template <class T>
  void operator()(const Header& h, const T& m) {
    requestId = h.requestId;
    seen = messageTypeName(T::kType);
    if constexpr (std::is_same_v<T, FlashChunk>) {
      seen += ":" + std::to_string(m.offset);
    }
  }
};

}  // namespace

TEST(MessageDispatch, CallsTheVisitorWithTheTypedMessage) {
  FlashChunk chunk;
  chunk.offset = 1024;
  const Bytes data(10, 1);
  chunk.data = view(data);
  Recorder r;
  EXPECT_EQ(dispatchMessage(view(encode(chunk, 77)), r), Status::kOk);
  EXPECT_EQ(r.seen, "FlashChunk:1024");
  EXPECT_EQ(r.requestId, 77);

  Ack ack;
  EXPECT_EQ(dispatchMessage(view(encode(ack, 5)), r), Status::kOk);
  EXPECT_EQ(r.seen, "Ack");

  Recorder agent;
  EXPECT_EQ(dispatchHostToDevice(view(encode(Rollback(), 9)), agent), Status::kOk);
  EXPECT_EQ(agent.seen, "Rollback");
}

TEST(MessageDispatch, ReportsFailuresWithoutCallingTheVisitor) {
  Recorder r;
  EXPECT_EQ(dispatchMessage(view(Bytes{1, 0x7E, 0, 0, 0, 0}), r), Status::kUnknownMessageType);
  EXPECT_EQ(dispatchMessage(view(Bytes{1, 0x11, 0, 0, 0, 0}), r), Status::kTruncated);
  // The agent's dispatcher does not decode device -> host messages.
  EXPECT_EQ(dispatchHostToDevice(view(encode(Ack(), 1)), r), Status::kUnknownMessageType);
  EXPECT_TRUE(r.seen.empty());
}
