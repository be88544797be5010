#include "model_runner/op_resolver.h"

#include "model_runner/tflite_schema.h"

namespace tinyscope::runner {

namespace {
bool sameName(const char* a, fb::String b) {
  if (a == nullptr || !b.present()) return false;
  uint32_t i = 0;
  for (; i < b.length; ++i) {
    if (a[i] == '\0' || a[i] != b.chars[i]) return false;
  }
  return a[i] == '\0';
}
bool sameName(const char* a, const char* b) {
  if (a == nullptr || b == nullptr) return a == b;
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}
}  // namespace

Status OpResolver::add(const OpRegistration& registration) {
  if (registration.prepare == nullptr || registration.invoke == nullptr)
    return Status::kNullArgument;
  for (uint32_t i = 0; i < m_count; ++i) {
    if (m_entries[i].builtinCode == registration.builtinCode &&
        sameName(m_entries[i].customName, registration.customName)) {
      m_entries[i] = registration;
      return Status::kOk;
    }
  }
  if (m_count >= m_capacity) return Status::kResolverFull;
  m_entries[m_count++] = registration;
  return Status::kOk;
}

const OpRegistration* OpResolver::find(int32_t builtinCode, fb::String customCode) const {
  const bool custom = builtinCode == static_cast<int32_t>(schema::BuiltinOperator::kCustom);
  for (uint32_t i = 0; i < m_count; ++i) {
    if (m_entries[i].builtinCode != builtinCode) continue;
    if (!custom || sameName(m_entries[i].customName, customCode)) return &m_entries[i];
  }
  return nullptr;
}

}  // namespace tinyscope::runner
