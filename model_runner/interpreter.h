// The int8 interpreter, TFLite Micro style: the caller owns every byte.
//
//   Interpreter interp(modelBytes, modelSize, resolver, arena, arenaSize);
//   interp.allocate();              // verify-time + kernel prepare + memory plan
//   copy input into interp.input(0).data; interp.invoke(); read interp.output(0)
//
// Ownership and lifetime: the model bytes, the resolver and the arena must outlive the
// Interpreter; the model is read in place (never copied). Memory: no heap. All runtime state
// (tensor pointers, per-operator data such as per-channel multipliers, variable tensors, the
// activation plan) lives in the arena: a planned head for activations and a persistent tail.
// Threading: one thread at a time per Interpreter; distinct Interpreters are independent.
// Errors: the constructor verifies the model (status()); allocate() returns kModelNotLoaded,
// kUnsupportedOp, kUnsupportedOpType, kBadOpParams, kShapeMismatch, kArenaTooSmall...;
// invoke() returns kNotAllocated before a successful allocate() and never fails afterwards.
// error() tells which table/field, operator and tensor were at fault.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model_runner/model.h"
#include "model_runner/op_context.h"
#include "model_runner/op_resolver.h"
#include "model_runner/status.h"
#include "model_runner/tensor_view.h"

namespace tinyscope::runner {

class Interpreter;

// Passed to the observer after each operator.
struct OpEvent {
  int32_t opIndex = 0;
  const char* opName = nullptr;  // builtin name, "CUSTOM" for custom ops (see customCode)
  fb::String customCode;         // custom_code for CUSTOM ops
  TensorView output;             // the operator's first output, just written
  uint32_t numOutputs = 0;       // further outputs: interpreter->tensor(...)
  uint64_t elapsedTicks = 0;     // clock difference around the kernel; 0 without a clock
  const Interpreter* interpreter = nullptr;
};

// Desktop hosts only: memory outside the arena (see Interpreter::setHostCache). Returns `bytes`
// aligned to `align`, or nullptr; the host owns it.
using HostCacheFn = void* (*)(size_t bytes, size_t align, void* context);

// Called after every operator; must not call invoke()/allocate() on the same interpreter.
using OpObserverFn = void (*)(const OpEvent& event, void* context);
// Monotonic tick source (cycle counter on an MCU, nanoseconds on the desktop).
using ClockFn = uint64_t (*)(void* context);

class Interpreter {
 public:
  Interpreter(const uint8_t* modelBytes, size_t modelSize, const OpResolver& resolver,
              uint8_t* arena, size_t arenaSize);
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Result of model verification in the constructor.
  Status status() const { return m_model.loaded() ? Status::kOk : Status::kModelNotLoaded; }
  Status allocate();
  Status invoke();
  // Sets every variable (state) tensor to the real value 0, as after allocate(): int8 state
  // to its zero point (like TFLite Micro), other types to 0 bytes; and clears the state
  // operators keep themselves (OpRegistration::reset, like TFLM's per-op Reset).
  Status resetState();
  bool allocated() const { return m_allocated; }
  const ErrorDetail& error() const { return m_error; }

  uint32_t inputsSize() const { return m_model.inputs().size(); }
  uint32_t outputsSize() const { return m_model.outputs().size(); }
  TensorView input(uint32_t i) const;
  TensorView output(uint32_t i) const;
  // Any tensor of subgraph 0. Constants, inputs, outputs and variables keep their data after
  // invoke(); other activations share memory and hold meaningful bytes only while live (e.g.
  // inside the observer call of the operator that wrote them).
  TensorView tensor(uint32_t index) const;

  // Bytes of the arena in use: planned activations (or the planner's scratch, if larger)
  // plus the persistent tail. Valid after allocate().
  size_t arenaUsedBytes() const { return m_headBytes + m_tailBytes; }
  size_t arenaPersistentBytes() const { return m_tailBytes; }
  size_t arenaActivationBytes() const { return m_planPeak; }

  void setObserver(OpObserverFn observer, void* context) {
    m_observer = observer;
    m_observerContext = context;
  }
  void setClock(ClockFn clock, void* context) {
    m_clock = clock;
    m_clockContext = context;
  }

  // Desktop hosts: memory outside the arena for what is built once at allocate() to make
  // invoke() cheaper — each operator's decoded description and what kernels keep with
  // OpContext::allocateHostCache() (the optimized kernels' packed weights and requantization
  // constants). The host owns that memory; it must stay valid until the Interpreter is destroyed
  // or allocate() runs again (which asks the host for fresh blocks). Set before allocate(). Without
  // it (a device) operators are decoded from the model at every invoke and the arena holds
  // everything.
  void setHostCache(HostCacheFn allocator, void* context) {
    m_hostCache = allocator;
    m_hostCacheContext = context;
  }
  // Bytes the last allocate() took from the host cache (0 without one).
  size_t hostCacheBytes() const { return m_hostCacheBytes; }

  const Model& model() const { return m_model; }

 private:
  friend class OpContext;
  // One OpContext::requestScratch() call, kept in the persistent tail until planning.
  struct ScratchRequest {
    void** slot = nullptr;
    size_t bytes = 0;
    int32_t op = 0;
    ScratchRequest* next = nullptr;
  };
  void* allocateTail(size_t bytes, size_t align);
  void* allocateHostCache(size_t bytes, size_t align);
  Status fail(Status status, const char* table, const char* field, int32_t op, int32_t tensor);
  Status planActivations();

  Model m_model;
  const OpResolver& m_resolver;
  uint8_t* m_arenaBase = nullptr;  // aligned start
  size_t m_arenaSize = 0;          // bytes from m_arenaBase
  size_t m_tailBytes = 0;
  size_t m_headBytes = 0;
  size_t m_planPeak = 0;
  uint8_t** m_tensorData = nullptr;
  const OpRegistration** m_registrations = nullptr;
  void** m_userData = nullptr;
  ScratchRequest* m_scratchFirst = nullptr;
  ScratchRequest* m_scratchLast = nullptr;
  uint32_t m_scratchCount = 0;
  bool m_allocated = false;
  ErrorDetail m_error;
  OpObserverFn m_observer = nullptr;
  void* m_observerContext = nullptr;
  ClockFn m_clock = nullptr;
  void* m_clockContext = nullptr;
  HostCacheFn m_hostCache = nullptr;
  void* m_hostCacheContext = nullptr;
  size_t m_hostCacheBytes = 0;
  const OperatorDesc* m_ops = nullptr;  // host cache: every operator decoded once
  void** m_hostData = nullptr;          // host cache: OpContext::hostData() per operator
};

}  // namespace tinyscope::runner
