#pragma once
// LinkStatus: a snapshot of one device link's health (stream statistics, link counters, rate),
// sent by DeviceController twice a second and shown by the device panel. A value type: copy it
// across threads freely (queued signals); it holds no I/O object.
#include <QMetaType>

#include "app/core/device/device_values.h"
#include "device_protocol/host/device_link.h"

namespace tinyscope {

struct LinkStatus {
  StreamStats stream;
  link::LinkCounters link;
  bool textMode = false;
  double rateHz = 0;             // device timestamps (binary), arrival times or rate= (text)
  double rateUncertaintyHz = 0;  // text mode: one standard error of the measured rate
  quint64 textLines = 0;         // text mode: lines that were not numbers
};

}  // namespace tinyscope

Q_DECLARE_METATYPE(tinyscope::LinkStatus)
