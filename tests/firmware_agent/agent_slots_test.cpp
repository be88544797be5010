// Model slots of the real tinyscope-agent: flash a model (resumable), verify, activate, run
// it, restart the agent on the same slot directory, roll back; plus the refusals, the demo
// model on the latest IMU window, and the command line.
#include <gtest/gtest.h>

#include <dirent.h>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "agent_link.h"
#include "agent_reference.h"
#include "device_protocol/crc32.h"
#include "device_protocol/model_image.h"
#include "firmware_agent/core/gesture_signal.h"

using namespace agent_test;
using proto::MessageType;

namespace {

const std::string kShared = TINYSCOPE_SHARED_DIR;

// hello_world_int8, its golden input and the desktop's answer (model empty when ../shared
// is missing).
struct HelloWorld {
  const std::string path = kShared + "/models/hello_world_int8.tflite";
  std::vector<uint8_t> model, input;
  ReferenceRun ref;
  HelloWorld() {
    if (!fileExists(path)) return;
    model = readFile(path);
    input = readFile(kShared + "/golden/hello_world_int8/seed1/input.bin");
    ref = runReference(model, input);
  }
};

struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/tinyscope-agent-test-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

struct Session {
  AgentProcess process;
  std::unique_ptr<AgentClient> client;
  proto::HelloReply hello;
  bool open(Link link, const std::vector<std::string>& args) {
    if (!process.start(link, args)) return false;
    client = std::make_unique<AgentClient>(process.readFd(), process.writeFd());
    return client->hello(&hello);
  }
};

Message flashChunk(AgentClient& c, uint8_t slot, const std::vector<uint8_t>& model, size_t offset) {
  proto::FlashChunk chunk;
  chunk.slot = slot;
  chunk.offset = uint32_t(offset);
  chunk.data = proto::ConstByteSpan(model.data() + offset,
                                    std::min(proto::kMaxChunk, model.size() - offset));
  return c.request(chunk);
}

// A model image (header + .tflite) of `tflite`, as the desktop sends it.
std::vector<uint8_t> imageOf(const std::vector<uint8_t>& tflite, const char* name) {
  proto::ModelImageHeader h;
  h.payloadSize = uint32_t(tflite.size());
  h.payloadSha256 = proto::sha256(proto::ConstByteSpan(tflite.data(), tflite.size()));
  h.modelName.assign(name);
  std::vector<uint8_t> image(proto::kModelImageHeaderSize);
  EXPECT_EQ(proto::encodeModelImageHeader(h, proto::ByteSpan(image.data(), image.size())),
            proto::ImageStatus::kOk);
  image.insert(image.end(), tflite.begin(), tflite.end());
  return image;
}

// Sets the 4 bytes at `at` so that crc32(bytes[0, end)) == target: CRC-32 is affine over
// GF(2) in those 32 bits, so one 32x32 elimination finds them (the classic CRC forgery).
void forceCrc(std::vector<uint8_t>& bytes, size_t at, size_t end, uint32_t target) {
  auto crcWith = [&](uint32_t x) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = uint8_t(x >> (8 * i));
    return proto::crc32(proto::ConstByteSpan(bytes.data(), end));
  };
  const uint32_t base = crcWith(0);
  uint32_t basis[32] = {}, combo[32] = {};
  for (int k = 0; k < 32; ++k) {
    uint32_t v = crcWith(1u << k) ^ base, m = 1u << k;
    for (int bit = 31; bit >= 0 && v != 0; --bit) {
      if (!((v >> bit) & 1)) continue;
      if (basis[bit] == 0) {
        basis[bit] = v;
        combo[bit] = m;
        break;
      }
      v ^= basis[bit];
      m ^= combo[bit];
    }
  }
  uint32_t want = target ^ base, x = 0;
  for (int bit = 31; bit >= 0; --bit) {
    if (!((want >> bit) & 1)) continue;
    ASSERT_NE(basis[bit], 0u);
    want ^= basis[bit];
    x ^= combo[bit];
  }
  crcWith(x);
}

// Sends chunks of `image` from `from` to `to` into `slot`; false on any Nack.
bool sendRange(AgentClient& c, uint8_t slot, const std::vector<uint8_t>& image, size_t from,
               size_t to) {
  std::vector<uint8_t> upto(image.begin(), image.begin() + to);
  for (size_t off = from; off < to;) {
    const Message m = flashChunk(c, slot, upto, off);
    if (m.type() != MessageType::kAck) return false;
    off = m.decode<proto::Ack>().value;
  }
  return true;
}

// FlashBegin + every chunk + FlashEnd + Activate (+ Confirm) of `image` into `slot`, each answer
// within
// `timeoutMs`, under the model name `name`; false at the first request without an Ack
// (refused, or the agent is gone).
bool flashAndActivate(AgentClient& c, uint8_t slot, const std::vector<uint8_t>& image,
                      const char* name, int timeoutMs, bool confirm = true) {
  const proto::ConstByteSpan bytes(image.data(), image.size());
  Message m = c.request(proto::makeFlashBegin(slot, bytes, name, 0), timeoutMs);
  if (m.type() != MessageType::kAck || m.bytes.empty()) return false;
  for (size_t off = 0; off < image.size(); off += proto::kMaxChunk) {
    proto::FlashChunk chunk;
    chunk.slot = slot;
    chunk.offset = uint32_t(off);
    chunk.data = bytes.subspan(off, proto::kMaxChunk);
    m = c.request(chunk, timeoutMs);
    if (m.type() != MessageType::kAck || m.bytes.empty()) return false;
  }
  proto::FlashEnd fe;
  fe.slot = slot;
  m = c.request(fe, timeoutMs);
  if (m.type() != MessageType::kAck || m.bytes.empty()) return false;
  proto::Activate act;
  act.slot = slot;
  m = c.request(act, timeoutMs);
  if (m.type() != MessageType::kAck || m.bytes.empty()) return false;
  if (!confirm) return true;
  m = c.request(proto::Confirm(), timeoutMs);
  return m.type() == MessageType::kAck && !m.bytes.empty();
}

// Uploads `input`, runs, and returns output 0's bytes (empty when the run failed).
std::vector<uint8_t> runUploaded(AgentClient& c, const std::vector<uint8_t>& input,
                                 uint8_t slot = proto::kActiveSlot) {
  for (size_t off = 0; off < input.size(); off += proto::kMaxChunk) {
    proto::InputChunk ic;
    ic.totalBytes = uint32_t(input.size());
    ic.offset = uint32_t(off);
    ic.data =
        proto::ConstByteSpan(input.data() + off, std::min(proto::kMaxChunk, input.size() - off));
    EXPECT_EQ(c.request(ic).type(), MessageType::kAck);
  }
  proto::RunInference r;
  r.slot = slot;
  r.source = proto::InputSource::kUploaded;
  const uint16_t id = c.send(r);
  Message m;
  EXPECT_TRUE(c.waitFor(MessageType::kInferenceResult, id, &m, 10000));
  // The result's output data points into `m`: copy it while `m` lives.
  const proto::InferenceResult result = m.decode<proto::InferenceResult>();
  EXPECT_EQ(result.status, proto::InferenceStatus::kOk);
  if (result.outputs.empty()) return {};
  return std::vector<uint8_t>(result.outputs[0].data.begin(), result.outputs[0].data.end());
}

}  // namespace

TEST(AgentSlots, FlashResumeVerifyActivateRunAndSurviveRestart) {
  const HelloWorld hello;
  if (hello.model.empty()) GTEST_SKIP() << "../shared is missing (" << hello.path << ")";
  ASSERT_TRUE(hello.ref.ok) << hello.ref.error;
  const std::vector<uint8_t>& model = hello.model;
  const std::vector<uint8_t>& input = hello.input;
  const ReferenceRun& ref = hello.ref;
  TempDir slots;
  const uint32_t crc = proto::crc32(proto::ConstByteSpan(model.data(), model.size()));
  {
    Session s;
    ASSERT_TRUE(s.open(Link::kPty, {"--no-model", "--slots", slots.path}));
    ASSERT_EQ(s.hello.slots.size(), 2u);
    EXPECT_EQ(s.hello.slots[1].state, proto::SlotState::kEmpty);

    const proto::ConstByteSpan bytes(model.data(), model.size());
    const proto::FlashBegin begin = proto::makeFlashBegin(1, bytes, "hello", 0);
    Message m = s.client->request(begin);
    ASSERT_EQ(m.type(), MessageType::kAck);
    EXPECT_EQ(m.decode<proto::Ack>().value, 0u);

    // Half the model, then the link "drops": FlashBegin again resumes at the offset reached.
    size_t off = 0;
    while (off < model.size() / 2) {
      m = flashChunk(*s.client, 1, model, off);
      ASSERT_EQ(m.type(), MessageType::kAck);
      off = m.decode<proto::Ack>().value;
    }
    m = s.client->request(proto::makeFlashBegin(1, bytes, "hello", uint32_t(off)));
    ASSERT_EQ(m.type(), MessageType::kAck);
    EXPECT_EQ(m.decode<proto::Ack>().value, off)
        << "FlashBegin with the hash of the prefix received resumes at its end";

    proto::SlotInfoRequest q;
    q.slot = 1;
    const uint16_t qid = s.client->send(q);
    Message info;
    ASSERT_TRUE(s.client->waitFor(MessageType::kSlotInfo, qid, &info, 5000));
    EXPECT_EQ(info.decode<proto::SlotInfo>().state, proto::SlotState::kReceiving);
    EXPECT_EQ(info.decode<proto::SlotInfo>().receivedBytes, off);

    // A chunk at the wrong offset is refused with the offset the device expects.
    m = flashChunk(*s.client, 1, model, 0);
    ASSERT_EQ(m.type(), MessageType::kNack);
    EXPECT_EQ(m.decode<proto::Nack>().code, proto::NackCode::kFlashOffsetMismatch);
    EXPECT_EQ(m.decode<proto::Nack>().value, off);

    while (off < model.size()) {
      m = flashChunk(*s.client, 1, model, off);
      ASSERT_EQ(m.type(), MessageType::kAck);
      off = m.decode<proto::Ack>().value;
    }
    proto::FlashEnd fe;
    fe.slot = 1;
    m = s.client->request(fe);
    ASSERT_EQ(m.type(), MessageType::kAck);
    EXPECT_EQ(m.decode<proto::Ack>().value, crc);
    proto::VerifySlot vs;
    vs.slot = 1;
    m = s.client->request(vs);
    ASSERT_EQ(m.type(), MessageType::kAck);
    EXPECT_EQ(m.decode<proto::Ack>().value, crc);

    // Before activation there is no model to run.
    proto::RunInference r;
    r.source = proto::InputSource::kUploaded;
    const uint16_t rid = s.client->send(r);
    ASSERT_TRUE(s.client->waitFor(MessageType::kInferenceResult, rid, &m, 5000));
    EXPECT_EQ(m.decode<proto::InferenceResult>().status, proto::InferenceStatus::kNoModel);

    proto::Activate act;
    act.slot = 1;
    ASSERT_EQ(s.client->request(act).type(), MessageType::kAck);
    EXPECT_EQ(runUploaded(*s.client, input), ref.outputs.at(0));
    m = s.client->request(proto::Confirm());
    ASSERT_EQ(m.type(), MessageType::kAck) << "the self-test passed: the model can be kept";
    EXPECT_EQ(m.decode<proto::Ack>().value, 1u);
    proto::Rollback rb;
    m = s.client->request(rb);
    ASSERT_EQ(m.type(), MessageType::kNack) << "no slot was active before: nothing to roll back to";
    EXPECT_EQ(m.decode<proto::Nack>().code, proto::NackCode::kNoRollbackTarget);
  }
  {
    // Restart on the same slot directory: the flashed model is still there, active, named.
    Session s;
    ASSERT_TRUE(s.open(Link::kStdio, {"--no-model", "--slots", slots.path}));
    ASSERT_EQ(s.hello.slots.size(), 2u);
    EXPECT_EQ(s.hello.slots[1].state, proto::SlotState::kActive);
    EXPECT_EQ(s.hello.slots[1].modelSize, model.size());
    EXPECT_EQ(s.hello.slots[1].modelCrc, crc);
    EXPECT_STREQ(s.hello.slots[1].modelName.c_str(), "hello");
    EXPECT_EQ(runUploaded(*s.client, input), ref.outputs.at(0));

    // Flash the same model into slot 0, activate it, then roll back to slot 1.
    proto::FlashBegin begin =
        proto::makeFlashBegin(0, proto::ConstByteSpan(model.data(), model.size()), nullptr, 0);
    ASSERT_EQ(s.client->request(begin).type(), MessageType::kAck);
    for (size_t off = 0; off < model.size(); off += proto::kMaxChunk) {
      ASSERT_EQ(flashChunk(*s.client, 0, model, off).type(), MessageType::kAck);
    }
    proto::FlashEnd fe;
    fe.slot = 0;
    ASSERT_EQ(s.client->request(fe).type(), MessageType::kAck);
    proto::Activate act;
    act.slot = 0;
    ASSERT_EQ(s.client->request(act).type(), MessageType::kAck);
    proto::Rollback rb;
    const Message m = s.client->request(rb);
    ASSERT_EQ(m.type(), MessageType::kAck);
    EXPECT_EQ(m.decode<proto::Ack>().value, 1u);
    // Flashing the active slot is refused: the interpreter reads it in place.
    begin.slot = 1;
    const Message busy = s.client->request(begin);
    ASSERT_EQ(busy.type(), MessageType::kNack);
    EXPECT_EQ(busy.decode<proto::Nack>().code, proto::NackCode::kBusy);
  }
}

// The attack resume-by-CRC allowed: a forged first half with the same CRC-32 as the genuine
// one, spliced into an interrupted transfer that the genuine desktop then "resumes". The
// prefix hash makes the device start over instead, and a whole image with a forged CRC is
// refused at FlashEnd by its SHA-256.
TEST(AgentSlots, ForgedCrcSpliceIsRefused) {
  const HelloWorld hello;
  if (hello.model.empty()) GTEST_SKIP() << "../shared is missing (" << hello.path << ")";
  ASSERT_TRUE(hello.ref.ok) << hello.ref.error;
  const std::vector<uint8_t> genuine = imageOf(hello.model, "hello");
  const proto::ConstByteSpan bytes(genuine.data(), genuine.size());
  const size_t half = (genuine.size() / 2) & ~size_t(15);

  // Forged: weights in the first half changed, CRC-32 of that half (so of the whole
  // spliced image too) kept equal to the genuine one.
  std::vector<uint8_t> forged = genuine;
  for (size_t i = half - 200; i < half - 100; ++i) forged[i] ^= 0x5A;
  forceCrc(forged, half - 8, half, proto::crc32(proto::ConstByteSpan(genuine.data(), half)));
  ASSERT_EQ(proto::crc32(proto::ConstByteSpan(forged.data(), forged.size())), proto::crc32(bytes));
  ASSERT_NE(forged, genuine);

  TempDir slots;
  Session s;
  ASSERT_TRUE(s.open(Link::kPty, {"--no-model", "--slots", slots.path}));
  // The attacker starts "the genuine image" (same size, CRC, name and hash) with its prefix.
  Message m = s.client->request(proto::makeFlashBegin(1, bytes, "hello", 0));
  ASSERT_EQ(m.type(), MessageType::kAck);
  ASSERT_TRUE(sendRange(*s.client, 1, forged, 0, half));

  // The genuine desktop resumes at the device's offset with the hash of its own prefix:
  // the stored prefix hashes otherwise, so the device erases and starts from zero.
  m = s.client->request(proto::makeFlashBegin(1, bytes, "hello", uint32_t(half)));
  ASSERT_EQ(m.type(), MessageType::kAck);
  EXPECT_EQ(m.decode<proto::Ack>().value, 0u) << "a foreign prefix is never resumed";

  // Even the splice itself (forged prefix + genuine rest, same CRC-32) fails FlashEnd.
  ASSERT_TRUE(sendRange(*s.client, 1, forged, 0, half));
  ASSERT_TRUE(sendRange(*s.client, 1, genuine, half, genuine.size()));
  proto::FlashEnd fe;
  fe.slot = 1;
  m = s.client->request(fe);
  ASSERT_EQ(m.type(), MessageType::kNack);
  EXPECT_EQ(m.decode<proto::Nack>().code, proto::NackCode::kHashMismatch);
  proto::Activate act;
  act.slot = 1;
  EXPECT_EQ(s.client->request(act).type(), MessageType::kNack) << "the spliced slot never runs";

  // The genuine transfer, from zero, verifies, activates and runs bit-exact.
  ASSERT_EQ(s.client->request(proto::makeFlashBegin(1, bytes, "hello", 0)).type(),
            MessageType::kAck);
  ASSERT_TRUE(sendRange(*s.client, 1, genuine, 0, genuine.size()));
  m = s.client->request(fe);
  ASSERT_EQ(m.type(), MessageType::kAck);
  EXPECT_EQ(m.decode<proto::Ack>().value, proto::crc32(bytes));
  ASSERT_EQ(s.client->request(act).type(), MessageType::kAck);
  EXPECT_EQ(runUploaded(*s.client, hello.input), hello.ref.outputs.at(0));
}

// The host agent's slots behave like flash (4 KiB sector erases, 256-byte page programs,
// none atomic). An update of slot 1 while slot 0 runs, with the power cut at each of its
// writes in turn: after the restart the device runs the old model or the new verified one,
// never a broken one, and the next update succeeds.
TEST(AgentSlots, APowerCutAtEveryFlashWriteLeavesTheOldOrTheNewModel) {
  const HelloWorld hello;
  if (hello.model.empty()) GTEST_SKIP() << "../shared is missing (" << hello.path << ")";
  ASSERT_TRUE(hello.ref.ok) << hello.ref.error;
  const std::vector<uint8_t> before = imageOf(hello.model, "old");
  const std::vector<uint8_t> after = imageOf(hello.model, "new");
  const uint32_t crcBefore = proto::crc32(proto::ConstByteSpan(before.data(), before.size()));
  const uint32_t crcAfter = proto::crc32(proto::ConstByteSpan(after.data(), after.size()));
  int oldRuns = 0, newRuns = 0;
  bool completed = false;
  for (int cut = 1; cut < 200 && !completed; ++cut) {
    SCOPED_TRACE("power cut at write " + std::to_string(cut));
    TempDir slots;
    const std::vector<std::string> args = {"--no-model", "--slots", slots.path, "--slot-size",
                                           "8K"};
    {
      Session s;
      ASSERT_TRUE(s.open(Link::kStdio, args));
      ASSERT_TRUE(flashAndActivate(*s.client, 0, before, "old", 5000));
    }
    {
      std::vector<std::string> cutArgs = args;
      cutArgs.push_back("--power-cut-at");
      cutArgs.push_back(std::to_string(cut));
      Session s;
      ASSERT_TRUE(s.open(Link::kStdio, cutArgs));
      completed = flashAndActivate(*s.client, 1, after, "new", 300);
    }
    Session s;
    ASSERT_TRUE(s.open(Link::kStdio, args));
    int active = -1;
    for (const proto::SlotInfo& info : s.hello.slots)
      if (info.state == proto::SlotState::kActive) active = info.slot;
    ASSERT_GE(active, 0) << "no model runs after the power cut";
    const proto::SlotInfo& info = s.hello.slots[size_t(active)];
    if (active == 0) {
      EXPECT_EQ(info.modelCrc, crcBefore);
      EXPECT_STREQ(info.modelName.c_str(), "old");
      ++oldRuns;
    } else {
      EXPECT_EQ(info.modelCrc, crcAfter);
      EXPECT_STREQ(info.modelName.c_str(), "new");
      ++newRuns;
    }
    EXPECT_EQ(runUploaded(*s.client, hello.input), hello.ref.outputs.at(0));
    if (completed) {
      EXPECT_EQ(active, 1) << "an update that finished is the one that runs";
    } else {
      // The update is simply done again, from whatever state the cut left.
      const uint8_t target = active == 0 ? 1 : 0;
      ASSERT_TRUE(flashAndActivate(*s.client, target, active == 0 ? after : before,
                                   active == 0 ? "new" : "old", 5000));
    }
  }
  EXPECT_TRUE(completed) << "the update needs fewer than 200 writes";
  EXPECT_GT(oldRuns, 0);
  EXPECT_GT(newRuns, 0);
}

// Activate puts a model in test state; Confirm keeps it; a reset (the protocol's Reset: the
// host agent re-executes itself on the same stdio) before Confirm returns to the model
// confirmed before it.
TEST(AgentSlots, ActivationIsATestUntilConfirmAndAResetBeforeItReverts) {
  const HelloWorld hello;
  if (hello.model.empty()) GTEST_SKIP() << "../shared is missing (" << hello.path << ")";
  const std::vector<uint8_t> before = imageOf(hello.model, "old");
  const std::vector<uint8_t> after = imageOf(hello.model, "new");
  TempDir slots;
  Session s;
  ASSERT_TRUE(s.open(Link::kStdio, {"--no-model", "--slots", slots.path}));
  ASSERT_TRUE(flashAndActivate(*s.client, 0, before, "old", 5000));  // confirmed
  auto stateOf = [&](uint8_t slot) {
    proto::HelloReply h;
    EXPECT_TRUE(s.client->hello(&h));
    return h.slots[slot].state;
  };
  auto reset = [&] {
    const Message m = s.client->request(proto::Reset());
    EXPECT_EQ(m.type(), MessageType::kAck);
  };

  // Slot 1: written, activated, not confirmed.
  ASSERT_TRUE(flashAndActivate(*s.client, 1, after, "new", 5000, /*confirm=*/false));
  EXPECT_EQ(stateOf(1), proto::SlotState::kTesting);
  EXPECT_EQ(runUploaded(*s.client, hello.input), hello.ref.outputs.at(0));

  reset();
  EXPECT_EQ(stateOf(0), proto::SlotState::kActive) << "a reset before Confirm reverts";
  EXPECT_EQ(stateOf(1), proto::SlotState::kValid);

  // Again, confirmed this time: it survives the reset.
  proto::Activate act;
  act.slot = 1;
  ASSERT_EQ(s.client->request(act).type(), MessageType::kAck);
  const Message c = s.client->request(proto::Confirm());
  ASSERT_EQ(c.type(), MessageType::kAck);
  EXPECT_EQ(c.decode<proto::Ack>().value, 1u);
  EXPECT_EQ(stateOf(1), proto::SlotState::kActive);
  reset();
  EXPECT_EQ(stateOf(1), proto::SlotState::kActive);
  EXPECT_EQ(runUploaded(*s.client, hello.input), hello.ref.outputs.at(0));

  // Rollback returns to the model before, and that choice survives a reset too.
  const Message rb = s.client->request(proto::Rollback());
  ASSERT_EQ(rb.type(), MessageType::kAck);
  EXPECT_EQ(rb.decode<proto::Ack>().value, 0u);
  reset();
  EXPECT_EQ(stateOf(0), proto::SlotState::kActive);
}

TEST(AgentSlots, RefusesBadTransfers) {
  Session s;
  ASSERT_TRUE(s.open(Link::kStdio, {"--no-model", "--slot-size", "64K"}));
  std::vector<uint8_t> junk(1000);
  for (size_t i = 0; i < junk.size(); ++i) junk[i] = uint8_t(i * 7);
  proto::FlashBegin begin =
      proto::makeFlashBegin(0, proto::ConstByteSpan(junk.data(), junk.size()), nullptr, 0);
  begin.slot = 7;
  Message m = s.client->request(begin);
  ASSERT_EQ(m.type(), MessageType::kNack);
  EXPECT_EQ(m.decode<proto::Nack>().code, proto::NackCode::kNoSuchSlot);
  begin.slot = 0;
  begin.size = 1u << 20;
  m = s.client->request(begin);
  begin.size = 1000;
  ASSERT_EQ(m.type(), MessageType::kNack);
  EXPECT_EQ(m.decode<proto::Nack>().code, proto::NackCode::kSlotTooSmall);
  EXPECT_EQ(m.decode<proto::Nack>().value, 64u * 1024 - 32);

  const uint32_t rightCrc = begin.crc32;
  begin.crc32 = 0x12345678;  // wrong on purpose
  ASSERT_EQ(s.client->request(begin).type(), MessageType::kAck);
  for (size_t off = 0; off < junk.size(); off += proto::kMaxChunk) {
    ASSERT_EQ(flashChunk(*s.client, 0, junk, off).type(), MessageType::kAck);
  }
  proto::FlashEnd fe;
  m = s.client->request(fe);
  ASSERT_EQ(m.type(), MessageType::kNack);
  EXPECT_EQ(m.decode<proto::Nack>().code, proto::NackCode::kCrcMismatch);
  EXPECT_EQ(m.decode<proto::Nack>().value,
            proto::crc32(proto::ConstByteSpan(junk.data(), junk.size())));

  // Right CRC, but not a model: flashing succeeds, verification and activation refuse it.
  begin.crc32 = rightCrc;
  ASSERT_EQ(s.client->request(begin).type(), MessageType::kAck);
  for (size_t off = 0; off < junk.size(); off += proto::kMaxChunk)
    flashChunk(*s.client, 0, junk, off);
  ASSERT_EQ(s.client->request(fe).type(), MessageType::kAck);
  proto::VerifySlot vs;
  m = s.client->request(vs);
  ASSERT_EQ(m.type(), MessageType::kNack);
  EXPECT_EQ(m.decode<proto::Nack>().code, proto::NackCode::kSlotNotValid);
  proto::Activate act;
  m = s.client->request(act);
  ASSERT_EQ(m.type(), MessageType::kNack);
  EXPECT_EQ(m.decode<proto::Nack>().code, proto::NackCode::kSlotNotValid);
}

TEST(AgentDemo, DemoModelRunsOnTheLatestImuWindow) {
  std::string model;
  if (DIR* d = opendir(TINYSCOPE_DEMO_MODEL_DIR)) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 7 && n.compare(n.size() - 7, 7, ".tflite") == 0)
        model = std::string(TINYSCOPE_DEMO_MODEL_DIR) + "/" + n;
    }
    closedir(d);
  }
  if (model.empty())
    GTEST_SKIP() << "no bundled demo model in " << TINYSCOPE_DEMO_MODEL_DIR << " yet";
  Session s;
  ASSERT_TRUE(s.open(Link::kStdio, {"--sensor", "imu"}));  // the demo model is loaded by default
  ASSERT_EQ(s.hello.slots[0].state, proto::SlotState::kActive);
  proto::StartStream start;
  start.windowSamples = uint16_t(tinyscope::demo::kWindowLength);
  ASSERT_EQ(s.client->request(start).type(), MessageType::kAck);
  Message m;
  ASSERT_TRUE(s.client->waitFor(MessageType::kSensorWindow, 0, &m, 5000));
  proto::RunInference r;
  r.source = proto::InputSource::kLatestWindow;
  r.capture = proto::CaptureMode::kAllOps;
  const uint16_t id = s.client->send(r);
  std::vector<Message> others;
  Message result;
  ASSERT_TRUE(s.client->waitFor(MessageType::kInferenceResult, id, &result, 10000, &others));
  ASSERT_EQ(result.decode<proto::InferenceResult>().status, proto::InferenceStatus::kOk);
  // The input the device used is the quantized newest window it had sent.
  std::vector<uint8_t> captured;
  std::vector<std::vector<uint8_t>> windows;
  for (const Message& o : others) {
    if (o.type() == MessageType::kSensorWindow) {
      const proto::SensorWindow w = o.decode<proto::SensorWindow>();
      windows.emplace_back(w.payload.begin(), w.payload.end());
    }
    if (o.type() == MessageType::kTensorChunk && o.header.requestId == id) {
      const proto::TensorChunk c = o.decode<proto::TensorChunk>();
      if (c.opIndex == proto::kModelInputOp) {
        captured.resize(c.totalBytes);
        std::copy(c.data.begin(), c.data.end(), captured.begin() + c.offset);
      }
    }
  }
  windows.insert(windows.begin(),
                 std::vector<uint8_t>(m.decode<proto::SensorWindow>().payload.begin(),
                                      m.decode<proto::SensorWindow>().payload.end()));
  ASSERT_EQ(captured.size(), size_t(tinyscope::demo::kWindowSamples));
  bool matched = false;
  for (const std::vector<uint8_t>& w : windows) {
    std::vector<uint8_t> q(captured.size());
    for (size_t i = 0; i < q.size(); ++i) {
      q[i] = uint8_t(tinyscope::demo::quantizeSample(int16_t(w[2 * i] | w[2 * i + 1] << 8)));
    }
    matched = matched || q == captured;
  }
  EXPECT_TRUE(matched) << "the model input is not the quantized latest window";
  const ReferenceRun ref = runReference(readFile(model), captured);
  ASSERT_TRUE(ref.ok) << ref.error;
  const proto::InferenceResult res = result.decode<proto::InferenceResult>();
  ASSERT_FALSE(res.outputs.empty());
  EXPECT_EQ(std::vector<uint8_t>(res.outputs[0].data.begin(), res.outputs[0].data.end()),
            ref.outputs.at(0));
}

namespace {
struct Cli {
  int code;
  std::string out;
  std::string err;
};
Cli runCli(const std::string& args) {
  const std::string cmd = std::string(TINYSCOPE_AGENT_EXE) + " " + args;
  TempDir d;
  const std::string o = d.path + "/out", e = d.path + "/err";
  const int status = std::system((cmd + " >" + o + " 2>" + e + " </dev/null").c_str());
  auto slurp = [](const std::string& p) {
    const std::vector<uint8_t> b = readFile(p);
    return std::string(b.begin(), b.end());
  };
  return Cli{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(o), slurp(e)};
}
}  // namespace

TEST(AgentCommandLine, HelpAndBadUsage) {
  Cli c = runCli("--help");
  EXPECT_EQ(c.code, 0);
  EXPECT_NE(c.out.find("--pty"), std::string::npos);
  EXPECT_NE(c.out.find("--wav FILE"), std::string::npos);
  c = runCli("--frobnicate");
  EXPECT_EQ(c.code, 2);
  EXPECT_EQ(c.err, "tinyscope-agent: unknown option '--frobnicate' (see --help)\n");
  c = runCli("--channels 9");
  EXPECT_EQ(c.code, 2);
  EXPECT_NE(c.err.find("--channels"), std::string::npos);
  c = runCli("--sensor radar");
  EXPECT_EQ(c.code, 2);
  c = runCli("--wav /nonexistent.wav");
  EXPECT_EQ(c.code, 2);
  EXPECT_NE(c.err.find("/nonexistent.wav"), std::string::npos);
  c = runCli("--pty --tcp 0");
  EXPECT_EQ(c.code, 2);
  // stdio: the agent stops by itself when the host closes stdin.
  c = runCli("--no-model");
  EXPECT_EQ(c.code, 0);
}
