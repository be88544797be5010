#pragma once
// ModelStore: the model files sessions used, each kept once under its SHA-256
// (<dir>/<sha256>.tflite), so a session replays years later with the exact bytes. A dataset keeps
// its store at <dataset>/models beside <dataset>/sessions; a session log elsewhere keeps one in a
// "models" folder beside it.
//
// Thread: any (no shared state; writes go through a temporary file and a rename, so a reader
// never sees half a model). Memory: none kept. Errors: false + one sentence naming the file.
#include <QString>
#include <cstdint>
#include <vector>

namespace tinyscope::session {

class ModelStore {
 public:
  explicit ModelStore(QString dir) : m_dir(std::move(dir)) {}
  // The store of a session log: <dataset>/models when the log is in a "sessions" folder,
  // else a "models" folder beside the log.
  static ModelStore forSession(const QString& sessionPath);

  const QString& dir() const { return m_dir; }
  QString pathOf(const QString& sha256) const;  // where the model is (or would be) kept
  // Stores `bytes` unless a file with their hash is already there; *sha256 gets the hash.
  bool put(const std::vector<uint8_t>& bytes, QString* sha256, QString* error) const;
  // Keeps the sidecar NAME.json beside `modelPath` (the model's class labels) as <sha256>.json,
  // when there is one (at most 1 MiB) and the store has none yet.
  bool putSidecar(const QString& modelPath, const QString& sha256, QString* error) const;

 private:
  QString m_dir;
};

}  // namespace tinyscope::session
