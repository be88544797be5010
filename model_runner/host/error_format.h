// One-sentence rendering of runtime statuses for users (host only).
#pragma once

#include <string>

#include "model_runner/status.h"

namespace tinyscope::runner::host {

// e.g. "the operator is not supported by the op table (operator 0 UNIDIRECTIONAL_SEQUENCE_LSTM,
// Operator.opcode_index, value 44)".
std::string formatError(const ErrorDetail& detail);

}  // namespace tinyscope::runner::host
