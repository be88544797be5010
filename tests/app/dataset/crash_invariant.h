#pragma once
// The first half of the crash-safety invariant, shared by the writer-process and the record-verb
// kill tests: after a crash the dataset opens and every indexed payload verifies; verify finds at
// most orphaned payloads (renamed, not yet indexed) and extra files (an interrupted write).
#include <gtest/gtest.h>

#include "app/core/dataset/dataset_store.h"

namespace tinyscope::dataset::testing {

// Opens `dir`, verifies it and expects only orphans and extra files; their count, -1 on failure.
inline int expectOnlyInterruptedWrites(const QString& dir) {
  QString error;
  auto store = DatasetStore::open(dir, &error);
  EXPECT_TRUE(store) << error.toStdString();
  VerifyReport v;
  if (!store || !store->verify(&v, &error)) {
    ADD_FAILURE() << "verify of " << dir.toStdString() << ": " << error.toStdString();
    return -1;
  }
  for (const Finding& f : v.findings)
    EXPECT_TRUE(f.kind == Finding::Kind::kOrphaned || f.kind == Finding::Kind::kExtra)
        << findingKindName(f.kind).toStdString() << " " << f.file.toStdString() << ": "
        << f.detail.toStdString();
  return v.findings.size();
}

}  // namespace tinyscope::dataset::testing
