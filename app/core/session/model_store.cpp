#include "app/core/session/model_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include "model_runner/host/sha256.h"

namespace tinyscope::session {

ModelStore ModelStore::forSession(const QString& sessionPath) {
  const QFileInfo info(sessionPath);
  const QDir dir = info.absoluteDir();
  if (dir.dirName() == QLatin1String("sessions"))
    return ModelStore(QFileInfo(dir.absolutePath()).dir().filePath(QStringLiteral("models")));
  return ModelStore(dir.filePath(QStringLiteral("models")));
}

QString ModelStore::pathOf(const QString& sha256) const {
  return QDir(m_dir).filePath(sha256 + QStringLiteral(".tflite"));
}

bool ModelStore::put(const std::vector<uint8_t>& bytes, QString* sha256, QString* error) const {
  *sha256 = QString::fromStdString(runner::host::sha256Hex(bytes.data(), bytes.size()));
  const QString path = pathOf(*sha256);
  const QFileInfo existing(path);
  if (existing.isFile() && existing.size() == static_cast<qint64>(bytes.size())) return true;
  if (!QDir().mkpath(m_dir)) {
    *error = QStringLiteral("%1: cannot create the model store folder").arg(m_dir);
    return false;
  }
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly) ||
      f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<qint64>(bytes.size())) !=
          static_cast<qint64>(bytes.size()) ||
      !f.commit()) {
    *error = QStringLiteral("%1: cannot store the model: %2").arg(path, f.errorString());
    return false;
  }
  return true;
}

bool ModelStore::putSidecar(const QString& modelPath, const QString& sha256, QString* error) const {
  const QFileInfo model(modelPath);
  QFile side(model.absolutePath() + QLatin1Char('/') + model.completeBaseName() +
             QStringLiteral(".json"));
  const QString target = QDir(m_dir).filePath(sha256 + QStringLiteral(".json"));
  if (!side.exists() || QFileInfo(target).isFile()) return true;
  if (side.size() > (1 << 20) || !side.open(QIODevice::ReadOnly)) {
    *error =
        QStringLiteral("%1: cannot read the model's sidecar (at most 1 MiB)").arg(side.fileName());
    return false;
  }
  QSaveFile f(target);
  const QByteArray bytes = side.readAll();
  if (!QDir().mkpath(m_dir) || !f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() ||
      !f.commit()) {
    *error =
        QStringLiteral("%1: cannot store the model's sidecar: %2").arg(target, f.errorString());
    return false;
  }
  return true;
}

}  // namespace tinyscope::session
