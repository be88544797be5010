#pragma once
// replaySessionLog(): a session log (.tsl) played and checked whole for a viewer — every recorded
// inference re-run on the desktop with the model the session names (from its model store) and
// compared tensor by tensor (ReplayChecker, every comparison kept), with the counts of the
// playback and the model's class labels and operator names; for a log kept in a dataset, the
// model's accuracy and confusion on the dataset's labelled samples (LabelledEvaluator).
//
// Thread: any (a worker); the cancel flag and the progress callback are the only shared state.
// Memory: the model, its arena, one inference (or sample) in assembly, and per inference its check
// (the metrics of every compared tensor, ~150 bytes each). Errors: SessionReplay::error, one
// sentence naming the file; a damaged tail is SessionReplay::warning (what came before it is
// checked).
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <vector>

#include "app/core/session/labelled_evaluation.h"
#include "app/core/session/replay_checker.h"
#include "app/core/session/session_player.h"

namespace tinyscope::session {

struct SessionReplay {
  QString path;
  SessionHeader header;
  QString boardName;    // from the recorded handshake ("" when it did not decode)
  QString modelPath;    // the stored model replayed
  QStringList labels;   // the model's class names (its sidecar in the store), may be empty
  QStringList opNames;  // the model's operators, in order ("CONV_2D", ...)
  PlaybackCounts counts;
  std::vector<InferenceCheck> checks;  // in session order
  quint64 passed = 0, failed = 0, skipped = 0;
  // When the log lies in a dataset (<dataset>/sessions/) whose samples carry labels, and the
  // model has class labels: the recorded model on every labelled sample (scored 0: none).
  QString datasetDir;
  ClassScore labelled;
  int labelledSkipped = 0;
  QString error;    // the log or its model cannot be used: nothing was checked
  QString warning;  // the log is damaged from some record on (torn tail, bad record)
  bool cancelled = false;
  QString className(int top) const;  // label, "class N", or "-" for -1
};

// Plays and checks the log at `path`. `progress(done, total)` runs after each inference on the
// calling thread; `cancel` (may be null) is polled between inferences: a cancelled replay keeps
// what was checked so far.
SessionReplay replaySessionLog(const QString& path, const std::atomic<bool>* cancel,
                               const std::function<void(int done, int total)>& progress);

}  // namespace tinyscope::session

Q_DECLARE_METATYPE(tinyscope::session::SessionReplay)
