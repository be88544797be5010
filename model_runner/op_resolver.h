// The op table: maps operator codes of a model to kernel registrations.
//
// A registration is three plain function pointers, TFLite Micro style:
//  - init    (optional) runs once per operator at allocate(); may reserve persistent arena
//             memory with OpContext::allocatePersistent() and store it via setUserData().
//  - prepare (required) runs once per operator at allocate(), after init: validates types,
//             shapes and options and computes every quantization parameter into user data.
//             Any failure returns a status through OpContext::fail() naming the field.
//  - invoke  (required) runs the math. It cannot fail: prepare has checked everything.
//  - reset   (optional) clears state an operator keeps in its own persistent memory (not in
//             variable tensors), as after allocate(); Interpreter::resetState() calls it.
// Memory: a MutableOpResolver<N> holds N registrations inline (no heap; 20 bytes each on a
// 32-bit MCU, 40 on a 64-bit host). Build it once at start-up; afterwards it is read-only and
// may be shared by several interpreters.
#pragma once

#include <cstdint>

#include "model_runner/flatbuffer_reader.h"
#include "model_runner/status.h"

namespace tinyscope::runner {

class OpContext;

struct OpRegistration {
  int32_t builtinCode = -1;          // schema::BuiltinOperator value (kCustom for custom ops)
  const char* customName = nullptr;  // CUSTOM ops only: the custom_code to match
  Status (*init)(OpContext& ctx) = nullptr;
  Status (*prepare)(OpContext& ctx) = nullptr;
  void (*invoke)(const OpContext& ctx) = nullptr;
  void (*reset)(const OpContext& ctx) = nullptr;
};

// The op table interface the interpreter reads: the registrations live in the storage of a
// MutableOpResolver<N> (below), so each image sizes its own table.
class OpResolver {
 public:
  OpResolver(const OpResolver&) = delete;
  OpResolver& operator=(const OpResolver&) = delete;

  // Adds or replaces the registration for its (builtinCode, customName). Returns
  // kResolverFull when full, kNullArgument when prepare/invoke is missing.
  Status add(const OpRegistration& registration);
  // nullptr when the operator has no kernel.
  const OpRegistration* find(int32_t builtinCode, fb::String customCode) const;
  uint32_t size() const { return m_count; }
  uint32_t capacity() const { return m_capacity; }
  const OpRegistration& at(uint32_t i) const { return m_entries[i]; }

 protected:
  OpResolver(OpRegistration* entries, uint32_t capacity)
      : m_entries(entries), m_capacity(capacity) {}
  ~OpResolver() = default;

 private:
  OpRegistration* m_entries;
  uint32_t m_capacity;
  uint32_t m_count = 0;
};

// An op table with room for N registrations, held inline (like TFLM's MicroMutableOpResolver).
template <uint32_t N>
class MutableOpResolver final : public OpResolver {
 public:
  MutableOpResolver() : OpResolver(m_storage, N) {}

 private:
  OpRegistration m_storage[N];
};

// Room for every operator of kernels::addAllOps() (about 120 once all tiers are in) with some
// to spare: what the desktop, the host agent and the mps2-an386 image use.
constexpr uint32_t kAllOpsCapacity = 160;
using AllOpsResolver = MutableOpResolver<kAllOpsCapacity>;

}  // namespace tinyscope::runner
