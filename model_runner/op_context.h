// What a kernel sees of the interpreter for one operator.
//
// Created by the Interpreter for each init/prepare/invoke call; kernels never store it.
// input()/output() describe tensors as the model declares them (usable in init/prepare);
// inputData()/outputData() give the planned memory (usable in invoke only).
// allocatePersistent(), requestScratch() and fail() are for init/prepare only.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model_runner/model.h"
#include "model_runner/status.h"

namespace tinyscope::runner {

class Interpreter;

class OpContext {
 public:
  OpContext(Interpreter* interpreter, const OperatorDesc& op) : m_interp(interpreter), m_op(op) {}

  int32_t opIndex() const { return m_op.index; }
  const OperatorDesc& op() const { return m_op; }
  const char* opName() const { return m_op.name(); }
  const fb::Table& options() const { return m_op.options; }

  uint32_t numInputs() const { return m_op.inputs.size(); }
  uint32_t numOutputs() const { return m_op.outputs.size(); }
  int32_t inputIndex(uint32_t i) const { return i < numInputs() ? m_op.inputs.i32(i) : -1; }
  int32_t outputIndex(uint32_t i) const { return i < numOutputs() ? m_op.outputs.i32(i) : -1; }
  // False when input i is absent (index -1) or beyond the operator's input list.
  bool hasInput(uint32_t i) const { return inputIndex(i) >= 0; }

  TensorDesc input(uint32_t i) const;
  TensorDesc output(uint32_t i) const;

  template <typename T>
  const T* inputData(uint32_t i) const {
    return static_cast<const T*>(data(inputIndex(i)));
  }
  template <typename T>
  T* outputData(uint32_t i) const {
    return static_cast<T*>(data(outputIndex(i)));
  }
  void* data(int32_t tensorIndex) const;

  // Reserves `bytes` (8-byte aligned) from the arena's persistent tail; nullptr when full
  // (then return fail(Status::kArenaTooSmall, ...)).
  void* allocatePersistent(size_t bytes) const;
  void* userData() const;
  void setUserData(void* data) const;
  // Desktop hosts (Interpreter::setHostCache): `bytes` (16-byte aligned) outside the arena for
  // what prepare builds once, such as packed weights; nullptr without a host cache (a device),
  // then the kernel keeps to the arena. hostData() is a second per-operator pointer kept there
  // (nullptr unless set; setHostData is ignored without a host cache).
  void* allocateHostCache(size_t bytes) const;
  void* hostData() const;
  void setHostData(void* data) const;
  // Prepare only: asks for `bytes` of scratch memory valid during this operator's invoke()
  // alone. The planner places it among the activations with a lifetime of this one operator,
  // so it raises the arena only where it raises the peak. Once allocate() succeeds, *slot
  // holds its 16-byte aligned address; `slot` must live in persistent memory (the op data).
  // kArenaTooSmall when the request cannot be recorded (then return it from prepare).
  Status requestScratch(size_t bytes, void** slot) const;

  // Records the failure (with this operator's index and name) and returns `status`.
  Status fail(Status status, const char* field, int32_t tensorIndex = -1) const;
  Status failValue(Status status, const char* field, int64_t value, int32_t tensorIndex = -1) const;

 private:
  Interpreter* m_interp;
  OperatorDesc m_op;
};

}  // namespace tinyscope::runner
