// The catalogue (device_protocol/messages.def) is complete and consistent: every entry has
// a unique id and name, the generated enum, names, directions and bounds agree with it, and
// every declared message travels through encodeMessage and dispatchMessage unchanged.
#include "device_protocol/message_dispatch.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

using namespace tinyscope::proto;
using namespace tinyscope::proto::test;

namespace {

struct Entry {
  int id;
  std::string name;
  bool hostToDevice;
  size_t maxBodySize;
};

const std::vector<Entry>& catalogue() {
  static const std::vector<Entry> entries = {
#define TINYSCOPE_MESSAGE(Name, id, direction, maxBody) \
  {id, #Name, Direction::k##direction == Direction::kHostToDevice, Name::kMaxBodySize},
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE
  };
  return entries;
}

// A valid instance of each message (defaults, plus what a default leaves inconsistent).
template <class T>
T sample() {
  return T();
}
const Bytes kPayload = {1, 2};
template <>
SensorWindow sample<SensorWindow>() {
  SensorWindow m;  // one int16 sample on one channel
  m.payload = view(kPayload);
  return m;
}
template <>
TensorChunk sample<TensorChunk>() {
  TensorChunk m;  // a scalar int8 tensor
  m.totalBytes = 1;
  m.data = ConstByteSpan(kPayload.data(), 1);
  return m;
}
template <>
FlashBegin sample<FlashBegin>() {
  FlashBegin m;  // both digests are exactly 32 bytes
  const Bytes digest(kSha256Size, 0xAB);
  m.imageSha256.assign(view(digest));
  m.prefixSha256.assign(view(digest));
  return m;
}
template <>
FlashChunk sample<FlashChunk>() {
  FlashChunk m;
  m.offset = 512;
  m.data = view(kPayload);
  return m;
}

template <class T>
Bytes encode(const T& m, uint16_t requestId) {
  Bytes out(kMaxMessageSize);
  const EncodeResult r = encodeMessage(makeHeader<T>(7, requestId), m, mut(out));
  EXPECT_EQ(r.status, Status::kOk) << messageTypeName(T::kType) << ": " << statusMessage(r.status);
  out.resize(r.size);
  return out;
}

// Remembers what the dispatcher handed over and whether it equals what was sent.
template <class Sent>
struct Expect {
  explicit Expect(const Sent& m) : sent(m) {}
  const Sent& sent;
  int calls = 0;
  bool same = false;
  Header header;
  template <class T>
  void operator()(const Header& h, const T& m) {
    ++calls;
    header = h;
    if constexpr (std::is_same_v<T, Sent>) same = m == sent;
  }
};

template <class T>
void expectTravels(const Entry& e) {
  SCOPED_TRACE(e.name);
  EXPECT_EQ(int(T::kType), e.id);
  EXPECT_EQ(T::kMaxBodySize, maxBodySize(T::kType));
  EXPECT_EQ(T::kDirection == Direction::kHostToDevice, isHostToDevice(T::kType));
  EXPECT_LE(kHeaderSize + T::kMaxBodySize,
            e.hostToDevice ? kMaxHostToDeviceMessageSize : kMaxDeviceToHostMessageSize);
  const T sent = sample<T>();
  const Bytes bytes = encode(sent, 0x5150);

  Expect<T> any(sent);
  EXPECT_EQ(dispatchMessage(view(bytes), any), Status::kOk);
  EXPECT_EQ(any.calls, 1);
  EXPECT_TRUE(any.same) << "dispatchMessage handed over another type or other values";
  EXPECT_EQ(any.header, makeHeader<T>(7, 0x5150));

  Expect<T> agent(sent);
  const Status s = dispatchHostToDevice(view(bytes), agent);
  if (e.hostToDevice) {
    EXPECT_EQ(s, Status::kOk);
    EXPECT_EQ(agent.calls, 1);
    EXPECT_TRUE(agent.same);
  } else {
    EXPECT_EQ(s, Status::kUnknownMessageType) << "the agent's dispatcher refuses device -> host";
    EXPECT_EQ(agent.calls, 0);
  }
}

}  // namespace

TEST(MessageCatalogue, IdsAndNamesAreUniqueAndMatchTheGeneratedTables) {
  std::set<int> ids;
  std::set<std::string> names;
  size_t maxHostToDevice = 0;
  size_t maxDeviceToHost = 0;
  for (const Entry& e : catalogue()) {
    EXPECT_TRUE(ids.insert(e.id).second) << "id " << e.id << " is declared twice";
    EXPECT_TRUE(names.insert(e.name).second) << e.name << " is declared twice";
    const MessageType type = static_cast<MessageType>(e.id);
    EXPECT_TRUE(isValid(type)) << e.name;
    EXPECT_EQ(messageTypeName(type), e.name);
    EXPECT_EQ(isHostToDevice(type), e.hostToDevice) << e.name;
    size_t& max = e.hostToDevice ? maxHostToDevice : maxDeviceToHost;
    max = std::max(max, kHeaderSize + e.maxBodySize);
  }
  // Nothing valid outside the catalogue.
  size_t valid = 0;
  for (int t = 0; t < 256; ++t) valid += isValid(static_cast<MessageType>(t)) ? 1 : 0;
  EXPECT_EQ(valid, catalogue().size());
  EXPECT_EQ(maxHostToDevice, kMaxHostToDeviceMessageSize);
  EXPECT_EQ(maxDeviceToHost, kMaxDeviceToHostMessageSize);
  EXPECT_EQ(kMaxMessageSize, std::max(maxHostToDevice, maxDeviceToHost));
  // The ids the wire has always used (PROTOCOL.md section 2) stay where they are.
  EXPECT_EQ(int(MessageType::kHello), 0x01);
  EXPECT_EQ(int(MessageType::kHelloReply), 0x02);
  EXPECT_EQ(int(MessageType::kRollback), 0x37);
  EXPECT_EQ(int(MessageType::kError), 0x51);
  EXPECT_EQ(std::string(messageTypeName(MessageType::kHelloReply)), "HelloReply");
  EXPECT_EQ(std::string(messageTypeName(static_cast<MessageType>(0x7E))), "?");
}

TEST(MessageCatalogue, EveryDeclaredMessageTravelsThroughDispatch) {
  size_t checked = 0;
#define TINYSCOPE_MESSAGE(Name, id, direction, maxBody) expectTravels<Name>(catalogue()[checked++]);
#include "device_protocol/messages.def"
#undef TINYSCOPE_MESSAGE
  EXPECT_EQ(checked, catalogue().size());
}

TEST(MessageCatalogue, EqualityComparesEveryField) {
  // Equality is generated from each struct's wire order: a field left out would compare equal.
  HelloReply a;
  HelloReply b;
  EXPECT_TRUE(a == b);
  b.opCodes.push(9);
  EXPECT_FALSE(a == b);
  b = a;
  b.tickHz = 1000;
  EXPECT_FALSE(a == b);
  TensorChunk c = sample<TensorChunk>();
  TensorChunk d = c;
  const Bytes other = {9};
  d.data = view(other);
  EXPECT_FALSE(c == d) << "bulk data compares by content";
  const Bytes same = {1};
  d.data = view(same);
  EXPECT_TRUE(c == d) << "bulk data compares by content, not by address";
  d.desc.zeroPoint = 3;
  EXPECT_FALSE(c == d);
}
