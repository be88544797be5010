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
// Memory: OpResolver holds up to kCapacity registrations inline (no heap). Build it once at
// start-up; afterwards it is read-only and may be shared by several interpreters.
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

class OpResolver {
 public:
  static constexpr uint32_t kCapacity = 48;

  // Adds or replaces the registration for its (builtinCode, customName). Returns
  // kResolverFull when full, kNullArgument when prepare/invoke is missing.
  Status add(const OpRegistration& registration);
  // nullptr when the operator has no kernel.
  const OpRegistration* find(int32_t builtinCode, fb::String customCode) const;
  uint32_t size() const { return m_count; }
  const OpRegistration& at(uint32_t i) const { return m_entries[i]; }

 private:
  OpRegistration m_entries[kCapacity];
  uint32_t m_count = 0;
};

}  // namespace tinyscope::runner
