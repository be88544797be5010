#include "model_runner/host/error_format.h"

namespace tinyscope::runner::host {

std::string formatError(const ErrorDetail& d) {
  std::string s = statusMessage(d.status);
  std::string where;
  auto add = [&where](const std::string& part) {
    if (!where.empty()) where += ", ";
    where += part;
  };
  if (d.opIndex >= 0)
    add("operator " + std::to_string(d.opIndex) +
        (d.opName != nullptr ? std::string(" ") + d.opName : ""));
  if (d.tensorIndex >= 0) add("tensor " + std::to_string(d.tensorIndex));
  if (d.table != nullptr || d.field != nullptr) {
    std::string tf = d.table != nullptr ? d.table : "";
    if (d.field != nullptr) tf += (tf.empty() ? "" : ".") + std::string(d.field);
    add(tf);
  }
  if (d.hasValue) add("value " + std::to_string(d.value));
  if (!where.empty()) s += " (" + where + ")";
  return s;
}

}  // namespace tinyscope::runner::host
