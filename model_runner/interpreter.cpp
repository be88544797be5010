#include "model_runner/interpreter.h"

#include <cstring>
#include <new>

#include "model_runner/arena_planner.h"

namespace tinyscope::runner {

namespace {
constexpr size_t kBaseAlignment = 16;

size_t alignUp(size_t n, size_t a) {
  return (n + a - 1) & ~(a - 1);
}

TensorView viewOf(const TensorDesc& d, void* data) {
  TensorView v;
  v.index = d.index;
  v.type = d.type;
  v.rank = d.rank;
  for (uint32_t i = 0; i < d.rank; ++i) v.dims[i] = d.dims[i];
  v.bytes = d.bytes;
  v.scale = d.scale();
  v.zeroPoint = d.zeroPoint();
  v.data = data;
  return v;
}
}  // namespace

// ---- OpContext ------------------------------------------------------------------------------

TensorDesc OpContext::input(uint32_t i) const {
  const int32_t t = inputIndex(i);
  return t >= 0 ? m_interp->m_model.tensor(static_cast<uint32_t>(t)) : TensorDesc();
}

TensorDesc OpContext::output(uint32_t i) const {
  const int32_t t = outputIndex(i);
  return t >= 0 ? m_interp->m_model.tensor(static_cast<uint32_t>(t)) : TensorDesc();
}

void* OpContext::data(int32_t tensorIndex) const {
  if (tensorIndex < 0 || static_cast<uint32_t>(tensorIndex) >= m_interp->m_model.numTensors() ||
      m_interp->m_tensorData == nullptr) {
    return nullptr;
  }
  return m_interp->m_tensorData[tensorIndex];
}

void* OpContext::allocatePersistent(size_t bytes) const {
  return m_interp->allocateTail(bytes, 8);
}

Status OpContext::requestScratch(size_t bytes, void** slot) const {
  if (slot == nullptr) return fail(Status::kNullArgument, "scratch");
  using Request = Interpreter::ScratchRequest;
  auto* r = static_cast<Request*>(m_interp->allocateTail(sizeof(Request), alignof(Request)));
  if (r == nullptr) return fail(Status::kArenaTooSmall, "scratch");
  *r = Request();
  r->slot = slot;
  r->bytes = bytes;
  r->op = m_op.index;
  *slot = nullptr;
  if (m_interp->m_scratchLast != nullptr) {
    m_interp->m_scratchLast->next = r;
  } else {
    m_interp->m_scratchFirst = r;
  }
  m_interp->m_scratchLast = r;
  ++m_interp->m_scratchCount;
  return Status::kOk;
}

void* OpContext::userData() const {
  return m_interp->m_userData[m_op.index];
}

void OpContext::setUserData(void* data) const {
  m_interp->m_userData[m_op.index] = data;
}

void* OpContext::allocateHostCache(size_t bytes) const {
  return m_interp->allocateHostCache(bytes, kBaseAlignment);
}

void* OpContext::hostData() const {
  return m_interp->m_hostData != nullptr ? m_interp->m_hostData[m_op.index] : nullptr;
}

void OpContext::setHostData(void* data) const {
  if (m_interp->m_hostData != nullptr) m_interp->m_hostData[m_op.index] = data;
}

Status OpContext::fail(Status status, const char* field, int32_t tensorIndex) const {
  return m_interp->fail(status, m_op.name(), field, m_op.index, tensorIndex);
}

Status OpContext::failValue(Status status, const char* field, int64_t value,
                            int32_t tensorIndex) const {
  m_interp->fail(status, m_op.name(), field, m_op.index, tensorIndex);
  m_interp->m_error.value = value;
  m_interp->m_error.hasValue = true;
  return status;
}

// ---- Interpreter ----------------------------------------------------------------------------

Interpreter::Interpreter(const uint8_t* modelBytes, size_t modelSize, const OpResolver& resolver,
                         uint8_t* arena, size_t arenaSize)
    : m_resolver(resolver) {
  if (arena != nullptr) {
    const auto addr = reinterpret_cast<uintptr_t>(arena);
    const size_t skip = alignUp(addr, kBaseAlignment) - addr;
    if (skip <= arenaSize) {
      m_arenaBase = arena + skip;
      m_arenaSize = (arenaSize - skip) & ~(kBaseAlignment - 1);
    }
  }
  m_model.load(modelBytes, modelSize);
  m_error = m_model.error();
}

Status Interpreter::fail(Status status, const char* table, const char* field, int32_t op,
                         int32_t tensor) {
  m_error = ErrorDetail();
  m_error.status = status;
  m_error.table = table;
  m_error.field = field;
  m_error.opIndex = op;
  m_error.tensorIndex = tensor;
  if (op >= 0) m_error.opName = m_model.op(static_cast<uint32_t>(op)).name();
  return status;
}

void* Interpreter::allocateTail(size_t bytes, size_t align) {
  // The tail grows down from the end of the arena.
  const size_t used = alignUp(m_tailBytes + bytes, align);
  if (bytes > m_arenaSize || used > m_arenaSize) return nullptr;
  m_tailBytes = used;
  return m_arenaBase + (m_arenaSize - used);
}

void* Interpreter::allocateHostCache(size_t bytes, size_t align) {
  if (m_hostCache == nullptr || bytes == 0) return nullptr;
  void* p = m_hostCache(bytes, align, m_hostCacheContext);
  if (p != nullptr) m_hostCacheBytes += bytes;
  return p;
}

Status Interpreter::allocate() {
  m_allocated = false;
  m_tailBytes = m_headBytes = m_planPeak = 0;
  m_hostCacheBytes = 0;
  m_ops = nullptr;
  m_hostData = nullptr;
  m_tensorData = nullptr;
  m_scratchFirst = m_scratchLast = nullptr;
  m_scratchCount = 0;
  if (!m_model.loaded()) {
    m_error = m_model.error();
    return Status::kModelNotLoaded;
  }
  if (m_arenaBase == nullptr) return fail(Status::kNullArgument, "Interpreter", "arena", -1, -1);
  m_error = ErrorDetail();

  const uint32_t numTensors = m_model.numTensors();
  const uint32_t numOps = m_model.numOperators();
  m_tensorData =
      static_cast<uint8_t**>(allocateTail(sizeof(uint8_t*) * (numTensors + 1), alignof(uint8_t*)));
  m_registrations = static_cast<const OpRegistration**>(
      allocateTail(sizeof(OpRegistration*) * (numOps + 1), alignof(OpRegistration*)));
  m_userData = static_cast<void**>(allocateTail(sizeof(void*) * (numOps + 1), alignof(void*)));
  if (m_tensorData == nullptr || m_registrations == nullptr || m_userData == nullptr) {
    return fail(Status::kArenaTooSmall, "Interpreter", "tensor table", -1, -1);
  }
  for (uint32_t t = 0; t < numTensors; ++t) {
    const TensorDesc d = m_model.tensor(t);
    m_tensorData[t] = const_cast<uint8_t*>(d.constData);  // outputs are never constant (verified)
  }

  // Resolve every operator first so an unsupported op is reported before any other problem.
  for (uint32_t i = 0; i < numOps; ++i) {
    const OperatorDesc op = m_model.op(i);
    m_userData[i] = nullptr;
    m_registrations[i] = m_resolver.find(op.builtinCode, op.customCode);
    if (m_registrations[i] == nullptr) {
      fail(Status::kUnsupportedOp, "Operator", "opcode_index", static_cast<int32_t>(i), -1);
      m_error.value = op.builtinCode;
      m_error.hasValue = true;
      return Status::kUnsupportedOp;
    }
  }
  // Desktop: the per-operator host pointers, all null, before any prepare.
  if (numOps > 0) {
    m_hostData = static_cast<void**>(allocateHostCache(sizeof(void*) * numOps, alignof(void*)));
    if (m_hostData != nullptr) {
      for (uint32_t i = 0; i < numOps; ++i) m_hostData[i] = nullptr;
    }
  }
  for (uint32_t i = 0; i < numOps; ++i) {
    OpContext ctx(this, m_model.op(i));
    const OpRegistration* reg = m_registrations[i];
    if (reg->init != nullptr) {
      const Status s = reg->init(ctx);
      if (s != Status::kOk) return s;
    }
    const Status s = reg->prepare(ctx);
    if (s != Status::kOk) return s;
  }
  // Variable (state) tensors persist across invocations.
  for (uint32_t t = 0; t < numTensors; ++t) {
    const TensorDesc d = m_model.tensor(t);
    if (!d.isVariable || d.isConstant()) continue;
    auto* p = static_cast<uint8_t*>(allocateTail(d.bytes, kBaseAlignment));
    if (p == nullptr)
      return fail(Status::kArenaTooSmall, "Tensor", "is_variable", -1, static_cast<int32_t>(t));
    m_tensorData[t] = p;
  }
  const Status s = planActivations();
  if (s != Status::kOk) return s;
  // Desktop: every operator decoded once, so invoke() skips reading the flatbuffer.
  if (numOps > 0) {
    auto* ops = static_cast<OperatorDesc*>(
        allocateHostCache(sizeof(OperatorDesc) * numOps, alignof(OperatorDesc)));
    if (ops != nullptr) {
      for (uint32_t i = 0; i < numOps; ++i) new (&ops[i]) OperatorDesc(m_model.op(i));
      m_ops = ops;
    }
  }
  m_allocated = true;
  return resetState();
}

Status Interpreter::planActivations() {
  const uint32_t numTensors = m_model.numTensors();
  const uint32_t numOps = m_model.numOperators();
  const size_t freeBytes = m_arenaSize - m_tailBytes;
  // Scratch in the (not yet used) head: lifetimes, then planner records.
  const size_t lifetimeBytes = alignUp(sizeof(int32_t) * 2 * (numTensors + 1), kBaseAlignment);
  if (lifetimeBytes > freeBytes)
    return fail(Status::kArenaTooSmall, "Interpreter", "planner scratch", -1, -1);
  auto* first = reinterpret_cast<int32_t*>(m_arenaBase);
  int32_t* last = first + numTensors;
  const int32_t kUnused = 0x7fffffff;
  for (uint32_t t = 0; t < numTensors; ++t) {
    first[t] = kUnused;
    last[t] = -1;
  }
  auto planned = [&](int32_t t) {
    return t >= 0 && static_cast<uint32_t>(t) < numTensors && m_tensorData[t] == nullptr;
  };
  auto touch = [&](int32_t t, int32_t when) {
    if (!planned(t)) return;
    if (when < first[t]) first[t] = when;
    if (when > last[t]) last[t] = when;
  };
  const fb::Vector inputs = m_model.inputs();
  const fb::Vector outputs = m_model.outputs();
  for (uint32_t i = 0; i < inputs.size(); ++i) touch(inputs.i32(i), 0);
  for (uint32_t i = 0; i < outputs.size(); ++i)
    touch(outputs.i32(i), numOps > 0 ? static_cast<int32_t>(numOps - 1) : 0);
  for (uint32_t o = 0; o < numOps; ++o) {
    const OperatorDesc op = m_model.op(o);
    for (uint32_t i = 0; i < op.inputs.size(); ++i)
      touch(op.inputs.i32(i), static_cast<int32_t>(o));
    for (uint32_t i = 0; i < op.outputs.size(); ++i)
      touch(op.outputs.i32(i), static_cast<int32_t>(o));
  }
  // Model outputs stay valid after invoke(); model inputs are valid from before the first op.
  for (uint32_t i = 0; i < outputs.size(); ++i) {
    const int32_t t = outputs.i32(i);
    if (planned(t) && last[t] >= 0) last[t] = numOps > 0 ? static_cast<int32_t>(numOps - 1) : 0;
  }
  uint32_t count = 0;
  for (uint32_t t = 0; t < numTensors; ++t) {
    if (last[t] >= 0) ++count;
  }
  count += m_scratchCount;  // scratch buffers: live for their operator only
  using Record = ArenaPlanner::BufferRecord;
  const size_t recordBytes = sizeof(Record) * (count + 1);
  const size_t scratch = lifetimeBytes + recordBytes;
  if (scratch > freeBytes)
    return fail(Status::kArenaTooSmall, "Interpreter", "planner scratch", -1, -1);
  ArenaPlanner planner(reinterpret_cast<Record*>(m_arenaBase + lifetimeBytes), count);
  for (uint32_t t = 0; t < numTensors; ++t) {
    if (last[t] < 0) continue;
    const TensorDesc d = m_model.tensor(t);
    planner.addBuffer(d.bytes, first[t], last[t]);
  }
  for (const ScratchRequest* r = m_scratchFirst; r != nullptr; r = r->next)
    planner.addBuffer(r->bytes, r->op, r->op);
  m_planPeak = planner.peakBytes();
  if (m_planPeak > freeBytes)
    return fail(Status::kArenaTooSmall, "Interpreter", "activations", -1, -1);
  // Offsets are read before the scratch is overwritten by activation data (none exists yet).
  uint32_t id = 0;
  for (uint32_t t = 0; t < numTensors; ++t) {
    if (last[t] < 0) continue;
    m_tensorData[t] = m_arenaBase + planner.offsetOf(id++);
  }
  for (const ScratchRequest* r = m_scratchFirst; r != nullptr; r = r->next)
    *r->slot = m_arenaBase + planner.offsetOf(id++);
  m_headBytes = m_planPeak > scratch ? m_planPeak : scratch;
  return Status::kOk;
}

Status Interpreter::resetState() {
  if (!m_allocated) return Status::kNotAllocated;
  for (uint32_t t = 0; t < m_model.numTensors(); ++t) {
    const TensorDesc d = m_model.tensor(t);
    if (!d.isVariable || d.isConstant() || m_tensorData[t] == nullptr) continue;
    // Real value 0, as TFLite Micro: int8 state holds its zero point, other types 0 bytes.
    const int value = d.type == TensorType::kInt8 ? d.zeroPoint() : 0;
    std::memset(m_tensorData[t], value, d.bytes);
  }
  // State kernels keep in their own persistent memory (the spectral-subtraction noise estimate).
  for (uint32_t i = 0; i < m_model.numOperators(); ++i) {
    if (m_registrations[i]->reset == nullptr) continue;
    const OpContext ctx(this, m_model.op(i));
    m_registrations[i]->reset(ctx);
  }
  return Status::kOk;
}

Status Interpreter::invoke() {
  if (!m_allocated) return Status::kNotAllocated;
  const uint32_t numOps = m_model.numOperators();
  if (m_ops != nullptr && m_observer == nullptr && m_clock == nullptr) {
    for (uint32_t i = 0; i < numOps; ++i) m_registrations[i]->invoke(OpContext(this, m_ops[i]));
    return Status::kOk;
  }
  for (uint32_t i = 0; i < numOps; ++i) {
    const OperatorDesc op = m_ops != nullptr ? m_ops[i] : m_model.op(i);
    OpContext ctx(this, op);
    const uint64_t start = m_clock != nullptr ? m_clock(m_clockContext) : 0;
    m_registrations[i]->invoke(ctx);
    const uint64_t end = m_clock != nullptr ? m_clock(m_clockContext) : 0;
    if (m_observer != nullptr) {
      OpEvent ev;
      ev.opIndex = static_cast<int32_t>(i);
      ev.opName = op.name();
      ev.customCode = op.customCode;
      ev.numOutputs = op.outputs.size();
      if (op.outputs.size() > 0) ev.output = tensor(static_cast<uint32_t>(op.outputs.i32(0)));
      ev.elapsedTicks = end - start;
      ev.interpreter = this;
      m_observer(ev, m_observerContext);
    }
  }
  return Status::kOk;
}

TensorView Interpreter::tensor(uint32_t index) const {
  if (index >= m_model.numTensors()) return TensorView();
  void* data = (m_allocated || m_tensorData != nullptr) && m_tensorData != nullptr
                   ? m_tensorData[index]
                   : nullptr;
  return viewOf(m_model.tensor(index), data);
}

TensorView Interpreter::input(uint32_t i) const {
  const fb::Vector v = m_model.inputs();
  if (i >= v.size()) return TensorView();
  return tensor(static_cast<uint32_t>(v.i32(i)));
}

TensorView Interpreter::output(uint32_t i) const {
  const fb::Vector v = m_model.outputs();
  if (i >= v.size()) return TensorView();
  return tensor(static_cast<uint32_t>(v.i32(i)));
}

}  // namespace tinyscope::runner
