#include "app/core/dataset/dataset_store.h"

#include <sqlite3.h>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "app/core/dataset/dataset_schema.h"
#include "app/core/dataset/payload_file.h"

namespace tinyscope::dataset {

namespace {

bool setError(QString* error, const QString& message) {
  if (error) *error = message;
  return false;
}

QString jsonList(const QStringList& l) {
  return QString::fromUtf8(
      QJsonDocument(QJsonArray::fromStringList(l)).toJson(QJsonDocument::Compact));
}

QStringList fromJsonList(const QString& s) {
  QStringList out;
  for (const QJsonValue& v : QJsonDocument::fromJson(s.toUtf8()).array()) out << v.toString();
  return out;
}

QString safeName(const QString& name) {
  QString s = name;
  s.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]")), QStringLiteral("_"));
  while (s.startsWith(QLatin1Char('.'))) s.remove(0, 1);
  if (s.isEmpty()) s = QStringLiteral("sample");
  return s.left(60);
}

// Runs a prepared query and names the operation in the error.
// Binds values; a null QString binds as '' (the columns are NOT NULL text).
void bind(QSqlQuery& q, const QVariantList& values) {
  for (const QVariant& v : values)
    q.addBindValue(
        v.type() == QVariant::String && v.toString().isNull() ? QVariant(QLatin1String("")) : v);
}

bool run(QSqlQuery& q, const QString& what, QString* error) {
  if (q.exec()) return true;
  return setError(error, QStringLiteral("%1: %2").arg(what, q.lastError().text()));
}

class Transaction {
 public:
  explicit Transaction(QSqlDatabase db) : m_db(std::move(db)) { m_open = m_db.transaction(); }
  ~Transaction() {
    if (m_open) m_db.rollback();
  }
  bool ok() const { return m_open; }
  bool commit() {
    m_open = false;
    return m_db.commit();
  }

 private:
  QSqlDatabase m_db;
  bool m_open = false;
};

}  // namespace

QString findingKindName(Finding::Kind k) {
  switch (k) {
    case Finding::Kind::kMissing:
      return QStringLiteral("missing");
    case Finding::Kind::kCorrupt:
      return QStringLiteral("corrupt");
    case Finding::Kind::kOrphaned:
      return QStringLiteral("orphaned");
    case Finding::Kind::kExtra:
      return QStringLiteral("extra");
  }
  return {};
}

DatasetStore::DatasetStore(QString dir) : m_dir(std::move(dir)) {
  static std::atomic<int> counter{0};
  m_connection = QStringLiteral("tinyscope-dataset-%1").arg(counter++);
}

DatasetStore::~DatasetStore() {
  if (QSqlDatabase::contains(m_connection)) {
    {
      QSqlDatabase db = QSqlDatabase::database(m_connection, false);
      db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
  }
}

QSqlDatabase DatasetStore::database() const {
  return QSqlDatabase::database(m_connection, false);
}

QString DatasetStore::path(const QString& rel) const {
  return m_dir + QLatin1Char('/') + rel;
}

bool DatasetStore::openConnection(bool create, QString* error, const QString& indexFile) {
  const QString file = indexFile.isEmpty() ? path(QLatin1String(kIndexFile)) : indexFile;
  QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
  if (!db.isValid())
    return setError(error, QStringLiteral("%1: Qt's SQLite driver is missing (install "
                                          "libqt5sql5-sqlite)")
                               .arg(file));
  db.setDatabaseName(file);
  db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
  if (!db.open())
    return setError(error, QStringLiteral("%1: cannot open (%2)").arg(file, db.lastError().text()));
  // Read-only checks first: a file we refuse is never written to.
  QSqlQuery q(db);
  if (!q.exec(QStringLiteral("PRAGMA application_id")) || !q.next())
    return setError(
        error,
        QStringLiteral("%1: not an SQLite database (%2)").arg(file, q.lastError().databaseText()));
  const int appId = q.value(0).toInt();
  if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
    return setError(
        error,
        QStringLiteral("%1: not an SQLite database (%2)").arg(file, q.lastError().databaseText()));
  const int version = q.value(0).toInt();
  if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) || !q.next())
    return setError(
        error,
        QStringLiteral("%1: not an SQLite database (%2)").arg(file, q.lastError().databaseText()));
  const int objects = q.value(0).toInt();
  if (create) {
    if (objects != 0 || appId != 0)
      return setError(error,
                      QStringLiteral("%1: already holds a database; open it instead").arg(file));
  } else {
    if (appId != kApplicationId)
      return setError(error, QStringLiteral("%1: an SQLite file but not a tinyscope dataset "
                                            "(application_id 0x%2)")
                                 .arg(file)
                                 .arg(uint(appId), 8, 16, QLatin1Char('0')));
    if (version > kSchemaVersion)
      return setError(error, QStringLiteral("%1: schema version %2 is newer than this tinyscope "
                                            "reads (up to %3); update tinyscope")
                                 .arg(file)
                                 .arg(version)
                                 .arg(kSchemaVersion));
    if (version < 1)
      return setError(error,
                      QStringLiteral("%1: field 'user_version' is %2; a dataset has 1 or more")
                          .arg(file)
                          .arg(version));
  }
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"})
    if (!q.exec(QLatin1String(pragma)))
      return setError(error, QStringLiteral("%1: %2 failed (%3)")
                                 .arg(file, QLatin1String(pragma), q.lastError().text()));
  if (create && !q.exec(QStringLiteral("PRAGMA application_id=%1").arg(kApplicationId)))
    return setError(error, QStringLiteral("%1: cannot write (%2)").arg(file, q.lastError().text()));
  return migrate(create ? 0 : version, error);
}

bool DatasetStore::migrate(int from, QString* error) {
  QSqlDatabase db = database();
  for (const Migration& m : kMigrations) {
    if (m.version <= from) continue;
    Transaction tx(db);
    QSqlQuery q(db);
    for (const char* const* s = m.statements; *s; ++s)
      if (!q.exec(QLatin1String(*s)))
        return setError(error, QStringLiteral("%1: migration to schema %2 failed (%3)")
                                   .arg(path(QLatin1String(kIndexFile)))
                                   .arg(m.version)
                                   .arg(q.lastError().text()));
    if (!q.exec(QStringLiteral("PRAGMA user_version=%1").arg(m.version)) || !tx.commit())
      return setError(error, QStringLiteral("%1: migration to schema %2 did not commit")
                                 .arg(path(QLatin1String(kIndexFile)))
                                 .arg(m.version));
  }
  return true;
}

int DatasetStore::schemaVersion() const {
  QSqlQuery q(database());
  return q.exec(QStringLiteral("PRAGMA user_version")) && q.next() ? q.value(0).toInt() : 0;
}

std::unique_ptr<DatasetStore> DatasetStore::create(const QString& dir, QString* error) {
  const QString abs = QFileInfo(dir).absoluteFilePath();
  if (QFileInfo::exists(abs + QLatin1Char('/') + QLatin1String(kIndexFile))) {
    setError(
        error,
        QStringLiteral("%1/%2: a dataset is already there").arg(abs, QLatin1String(kIndexFile)));
    return nullptr;
  }
  if (!QDir().mkpath(abs + QLatin1Char('/') + QLatin1String(kSamplesDir))) {
    setError(error, QStringLiteral("%1: cannot create the folder").arg(abs));
    return nullptr;
  }
  // The index is built under a temporary name and renamed into place once complete and closed
  // (its WAL checkpointed), so a crash while creating leaves no half-made dataset.sqlite that
  // open() would refuse. A temporary left by such a crash holds nothing: it is started afresh.
  const QString index = abs + QLatin1Char('/') + QLatin1String(kIndexFile);
  const QString building = index + QStringLiteral(".creating");
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) QFile::remove(building + suffix);
  {
    std::unique_ptr<DatasetStore> s(new DatasetStore(abs));
    if (!s->openConnection(true, error, building)) return nullptr;
  }
  if (QFileInfo::exists(building + QStringLiteral("-wal"))) {
    setError(error, QStringLiteral("%1-wal: SQLite left its log after closing").arg(building));
    return nullptr;
  }
  if (!syncPath(building, error)) return nullptr;
  if (::rename(QFile::encodeName(building).constData(), QFile::encodeName(index).constData()) !=
      0) {
    setError(error, QStringLiteral("%1: cannot rename to %2 (%3)")
                        .arg(building, index, QString::fromLocal8Bit(std::strerror(errno))));
    return nullptr;
  }
  if (!syncPath(abs, error)) return nullptr;
  return open(abs, error);
}

std::unique_ptr<DatasetStore> DatasetStore::open(const QString& dir, QString* error) {
  const QString abs = QFileInfo(dir).absoluteFilePath();
  const QString index = abs + QLatin1Char('/') + QLatin1String(kIndexFile);
  if (!QFileInfo(abs).isDir()) {
    setError(error, QStringLiteral("%1: no such folder").arg(abs));
    return nullptr;
  }
  if (!QFileInfo(index).isFile()) {
    setError(error, QStringLiteral("%1: not found; %2 is not a tinyscope dataset").arg(index, abs));
    return nullptr;
  }
  std::unique_ptr<DatasetStore> s(new DatasetStore(abs));
  if (!s->openConnection(false, error)) return nullptr;
  QDir().mkpath(abs + QLatin1Char('/') + QLatin1String(kSamplesDir));
  return s;
}

std::unique_ptr<DatasetStore> DatasetStore::openOrCreate(const QString& dir, QString* error) {
  if (QFileInfo::exists(QFileInfo(dir).absoluteFilePath() + QLatin1Char('/') +
                        QLatin1String(kIndexFile)))
    return open(dir, error);
  return create(dir, error);
}

qint64 DatasetStore::addSample(const SampleSpec& spec, const QByteArray& frames, QString* error) {
  const QVector<qint64> ids = addSamples({NewSample{spec, frames}}, error);
  return ids.isEmpty() ? 0 : ids.first();
}

QVector<qint64> DatasetStore::addSamples(const QVector<NewSample>& samples, QString* error,
                                         int* failedIndex) {
  if (failedIndex) *failedIndex = -1;
  auto at = [&](int i) {
    if (failedIndex) *failedIndex = i;
  };
  struct Staged {
    SampleSpec spec;
    qint64 count = 0;
    QString base, ext, payloadRel, sidecarRel, temp, sha;
    QByteArray sidecar;
    bool sidecarWritten = false, renamed = false;
  };
  QVector<Staged> staged;
  staged.reserve(samples.size());
  // Removes this batch's files (none is indexed yet).
  auto discard = [&]() {
    for (const Staged& st : staged) {
      QFile::remove(st.temp);
      if (st.sidecarWritten) QFile::remove(path(st.sidecarRel));
      if (st.renamed) QFile::remove(path(st.payloadRel));
    }
    return QVector<qint64>();
  };
  const QString samplesDir = path(QLatin1String(kSamplesDir));
  // 0. every spec checked before anything is written.
  for (const NewSample& in : samples) {
    at(int(staged.size()));
    Staged st;
    st.spec = in.spec;
    SampleSpec& spec = st.spec;
    if (spec.createdMs == 0) spec.createdMs = QDateTime::currentMSecsSinceEpoch();
    const int channels = static_cast<int>(spec.axes.size());
    const qint64 frameBytes = qint64(std::max(channels, 1)) * bytesPerValue(spec.type);
    st.count = in.frames.size() / frameBytes;
    if (in.frames.size() % frameBytes != 0) {
      setError(error, QStringLiteral("sample '%1': %2 bytes are not whole frames of %3 × %4")
                          .arg(spec.name)
                          .arg(in.frames.size())
                          .arg(channels)
                          .arg(sampleTypeName(spec.type)));
      return {};
    }
    QString specError;
    if (!checkSpec(spec, st.count, &specError)) {
      setError(error, QStringLiteral("sample '%1': %2").arg(spec.name, specError));
      return {};
    }
    st.ext = spec.format == PayloadFormat::kFlac ? QStringLiteral(".flac") : QStringLiteral(".wav");
    st.base = QStringLiteral("%1.%2.%3")
                  .arg(safeName(spec.name))
                  .arg(QDateTime::fromMSecsSinceEpoch(spec.createdMs, Qt::UTC)
                           .toString(QStringLiteral("yyyyMMdd'T'HHmmsszzz")))
                  .arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
    st.payloadRel = QLatin1String(kSamplesDir) + QLatin1Char('/') + st.base + st.ext;
    st.sidecarRel =
        QLatin1String(kSamplesDir) + QLatin1Char('/') + st.base + QStringLiteral(".json");
    st.temp = samplesDir + QLatin1Char('/') + QLatin1String(kTempPrefix) + st.base + st.ext;
    if (QFileInfo::exists(path(st.payloadRel)) || QFileInfo::exists(path(st.sidecarRel))) {
      setError(error, QStringLiteral("%1: already exists").arg(path(st.payloadRel)));
      return {};
    }
    staged.push_back(st);
  }
  // 1. payloads to temporary names, fsync'd; a payload the dataset or the batch holds already
  // refuses the batch.
  QHash<QString, QString> batchShas;  // SHA-256 -> sample name
  QSqlQuery known(database());
  known.prepare(QStringLiteral("SELECT path FROM files WHERE sha256 = ?"));
  for (int i = 0; i < staged.size(); ++i) {
    Staged& st = staged[i];
    at(i);
    if (!writePayload(st.temp, st.spec, samples[i].frames, error)) return discard();
    if (!sha256OfFile(st.temp, &st.sha, error)) return discard();
    known.addBindValue(st.sha);
    if (known.exec() && known.next()) {
      setError(error, QStringLiteral("sample '%1': the same payload is already stored as %2")
                          .arg(st.spec.name, known.value(0).toString()));
      return discard();
    }
    if (batchShas.contains(st.sha)) {
      setError(error, QStringLiteral("sample '%1': the same payload as sample '%2' of this batch")
                          .arg(st.spec.name, batchShas.value(st.sha)));
      return discard();
    }
    batchShas.insert(st.sha, st.spec.name);
  }
  // 2. sidecars (atomically), 3. payloads renamed into place, folder fsync'd.
  at(-1);
  for (Staged& st : staged) {
    st.sidecar = QJsonDocument(sidecarToJson(st.spec, st.count, st.base + st.ext, st.sha))
                     .toJson(QJsonDocument::Indented);
    if (!writeFileAtomically(path(st.sidecarRel), st.sidecar, error)) return discard();
    st.sidecarWritten = true;
    if (::rename(QFile::encodeName(st.temp).constData(),
                 QFile::encodeName(path(st.payloadRel)).constData()) != 0) {
      setError(error, QStringLiteral("%1: cannot rename into place").arg(path(st.payloadRel)));
      return discard();
    }
    st.renamed = true;
  }
  if (!syncPath(samplesDir, error)) return discard();
  // 4. one transaction for the whole batch.
  QSqlDatabase db = database();
  Transaction tx(db);
  if (!tx.ok()) {
    setError(error, QStringLiteral("%1: cannot start a transaction (%2)")
                        .arg(path(QLatin1String(kIndexFile)), db.lastError().text()));
    return discard();
  }
  QVector<qint64> ids;
  for (const Staged& st : staged) {
    const QString sidecarSha = QString::fromLatin1(
        QCryptographicHash::hash(st.sidecar, QCryptographicHash::Sha256).toHex());
    const qint64 id =
        insertPayloadRows(st.spec, st.count, st.payloadRel, st.sha,
                          QFileInfo(path(st.payloadRel)).size(), st.sidecarRel, sidecarSha, error);
    if (id == 0) return discard();
    ids << id;
  }
  if (!tx.commit()) {
    setError(error, QStringLiteral("%1: commit failed (%2)")
                        .arg(path(QLatin1String(kIndexFile)), db.lastError().text()));
    db.rollback();
    return discard();
  }
  return ids;
}

qint64 DatasetStore::indexPayload(const SampleSpec& spec, qint64 frames, const QString& payloadRel,
                                  const QString& sha, qint64 bytes, const QString& sidecarRel,
                                  const QString& sidecarSha, QString* error) {
  QSqlDatabase db = database();
  Transaction tx(db);
  if (!tx.ok()) {
    setError(error, QStringLiteral("%1: cannot start a transaction (%2)")
                        .arg(path(QLatin1String(kIndexFile)), db.lastError().text()));
    return 0;
  }
  const qint64 sampleId =
      insertPayloadRows(spec, frames, payloadRel, sha, bytes, sidecarRel, sidecarSha, error);
  if (sampleId == 0) return 0;
  if (!tx.commit()) {
    setError(error, QStringLiteral("%1: commit failed (%2)")
                        .arg(path(QLatin1String(kIndexFile)), db.lastError().text()));
    return 0;
  }
  return sampleId;
}

qint64 DatasetStore::insertPayloadRows(const SampleSpec& spec, qint64 frames,
                                       const QString& payloadRel, const QString& sha, qint64 bytes,
                                       const QString& sidecarRel, const QString& sidecarSha,
                                       QString* error) {
  QSqlDatabase db = database();
  QSqlQuery q(db);
  auto idOf = [&](const QString& sql, const QVariantList& values, const QString& what) -> qint64 {
    q.prepare(sql);
    bind(q, values);
    if (!run(q, what, error)) return -1;
    return q.next() ? q.value(0).toLongLong() : 0;
  };
  auto insert = [&](const QString& sql, const QVariantList& values, const QString& what) -> qint64 {
    q.prepare(sql);
    bind(q, values);
    if (!run(q, what, error)) return -1;
    return q.lastInsertId().toLongLong();
  };
  QVariant deviceId;
  if (!spec.deviceName.isEmpty() || !spec.deviceUri.isEmpty()) {
    qint64 id = idOf(QStringLiteral("SELECT id FROM devices WHERE name = ? AND uri = ?"),
                     {spec.deviceName, spec.deviceUri}, QStringLiteral("devices"));
    if (id == 0)
      id = insert(QStringLiteral("INSERT INTO devices(name, uri) VALUES(?, ?)"),
                  {spec.deviceName, spec.deviceUri}, QStringLiteral("devices"));
    if (id < 0) return 0;
    deviceId = id;
  }
  QVariant sessionId;
  if (!spec.sessionUuid.isEmpty()) {
    qint64 id = idOf(QStringLiteral("SELECT id FROM sessions WHERE uuid = ?"), {spec.sessionUuid},
                     QStringLiteral("sessions"));
    if (id == 0)
      id = insert(QStringLiteral("INSERT INTO sessions(uuid, device_id, started_ms, note) "
                                 "VALUES(?, ?, ?, ?)"),
                  {spec.sessionUuid, deviceId, spec.sessionStartedMs, spec.sessionNote},
                  QStringLiteral("sessions"));
    if (id < 0) return 0;
    sessionId = id;
  }
  const qint64 fileId = insert(
      QStringLiteral("INSERT INTO files(path, sha256, bytes, sidecar, sidecar_sha256, format, "
                     "frames) VALUES(?, ?, ?, ?, ?, ?, ?)"),
      {payloadRel, sha, bytes, sidecarRel, sidecarSha,
       spec.format == PayloadFormat::kFlac ? QStringLiteral("flac") : QStringLiteral("wav"),
       frames},
      QStringLiteral("files (%1)").arg(payloadRel));
  if (fileId < 0) return 0;
  const qint64 sampleId =
      insert(QStringLiteral(
                 "INSERT INTO samples(content_id, name, file_id, begin_frame, frames, channels, "
                 "rate_hz, sample_type, sensor, axes, units, first_device_us, created_ms, "
                 "split, session_id, device_id) VALUES(?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                 "?, ?, ?)"),
             {sha, spec.name, fileId, frames, int(spec.axes.size()), spec.rateHz,
              sampleTypeName(spec.type), spec.sensor, jsonList(spec.axes), jsonList(spec.units),
              spec.firstDeviceUs, spec.createdMs, int(spec.split), sessionId, deviceId},
             QStringLiteral("samples"));
  if (sampleId < 0) return 0;
  for (const Gap& g : spec.gaps)
    if (insert(
            QStringLiteral(
                "INSERT INTO gaps(file_id, at_frame, lost_frames, device_us) VALUES(?, ?, ?, ?)"),
            {fileId, g.atFrame, g.lostFrames, g.deviceUs}, QStringLiteral("gaps")) < 0)
      return 0;
  for (const ModelOutput& o : spec.outputs) {
    QJsonArray scores;
    for (float s : o.scores) scores.append(double(s));
    if (insert(
            QStringLiteral("INSERT INTO model_outputs(file_id, at_frame, device_us, model, scores) "
                           "VALUES(?, ?, ?, ?, ?)"),
            {fileId, o.atFrame, o.deviceUs, o.model,
             QString::fromUtf8(QJsonDocument(scores).toJson(QJsonDocument::Compact))},
            QStringLiteral("model_outputs")) < 0)
      return 0;
  }
  for (auto it = spec.metadata.begin(); it != spec.metadata.end(); ++it)
    if (insert(QStringLiteral("INSERT INTO metadata(sample_id, key, value) VALUES(?, ?, ?)"),
               {sampleId, it.key(), it.value()}, QStringLiteral("metadata")) < 0)
      return 0;
  for (const QString& label : spec.labels) {
    qint64 labelId = idOf(QStringLiteral("SELECT id FROM labels WHERE name = ?"), {label},
                          QStringLiteral("labels"));
    if (labelId == 0)
      labelId = insert(QStringLiteral("INSERT INTO labels(name) VALUES(?)"), {label},
                       QStringLiteral("labels"));
    if (labelId < 0 ||
        insert(QStringLiteral("INSERT INTO segments(sample_id, label_id, whole) VALUES(?, ?, 1)"),
               {sampleId, labelId}, QStringLiteral("segments")) < 0)
      return 0;
  }
  for (const Segment& seg : spec.segments) {
    qint64 labelId = idOf(QStringLiteral("SELECT id FROM labels WHERE name = ?"), {seg.label},
                          QStringLiteral("labels"));
    if (labelId == 0)
      labelId = insert(QStringLiteral("INSERT INTO labels(name) VALUES(?)"), {seg.label},
                       QStringLiteral("labels"));
    if (labelId < 0 ||
        insert(QStringLiteral("INSERT INTO segments(sample_id, label_id, whole, start_frame, "
                              "end_frame) VALUES(?, ?, 0, ?, ?)"),
               {sampleId, labelId, seg.start, seg.end}, QStringLiteral("segments")) < 0)
      return 0;
  }
  return sampleId;
}

QString filterWhere(const SampleFilter& f, QVariantList* values) {
  QStringList where;
  if (!f.labels.isEmpty()) {
    QStringList marks;
    for (const QString& l : f.labels) {
      marks << QStringLiteral("?");
      values->append(l);
    }
    where << QStringLiteral(
                 "s.id IN (SELECT g.sample_id FROM segments g JOIN labels l ON l.id = "
                 "g.label_id WHERE l.name IN (%1))")
                 .arg(marks.join(QLatin1Char(',')));
  }
  // NOT IN builds the set of labelled ids once (~3x faster over 100,000 samples than a probe of
  // segments per sample with NOT EXISTS).
  if (f.unlabeled) where << QStringLiteral("s.id NOT IN (SELECT g.sample_id FROM segments g)");
  if (f.hasSplit) {
    where << QStringLiteral("s.split = ?");
    values->append(int(f.split));
  }
  if (f.sessionId > 0) {
    where << QStringLiteral("s.session_id = ?");
    values->append(f.sessionId);
  }
  if (!f.device.isEmpty()) {
    where << QStringLiteral("s.device_id IN (SELECT id FROM devices WHERE name = ? OR uri = ?)");
    values->append(f.device);
    values->append(f.device);
  }
  if (f.createdFromMs > 0) {
    where << QStringLiteral("s.created_ms >= ?");
    values->append(f.createdFromMs);
  }
  if (f.createdToMs > 0) {
    where << QStringLiteral("s.created_ms < ?");
    values->append(f.createdToMs);
  }
  if (!f.nameContains.isEmpty()) {
    where << QStringLiteral("instr(s.name, ?) > 0");
    values->append(f.nameContains);
  }
  if (!f.ids.isEmpty()) {
    // Integers written into the SQL: a selection may exceed SQLite's bound-parameter limit.
    QStringList ids;
    ids.reserve(f.ids.size());
    for (qint64 id : f.ids) ids << QString::number(id);
    where << QStringLiteral("s.id IN (%1)").arg(ids.join(QLatin1Char(',')));
  }
  return where.isEmpty() ? QString()
                         : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
}

namespace {

// Columns of a listing; the last is the sample's label ids, "3,7".
constexpr char kSampleColumns[] =
    "s.id, s.content_id, s.name, f.path, s.begin_frame, s.frames, s.channels, s.rate_hz, "
    "s.sample_type, s.sensor, s.axes, s.units, s.first_device_us, s.created_ms, s.split, "
    "s.session_id, d.name, (SELECT group_concat(g.label_id) FROM segments g WHERE g.sample_id = "
    "s.id) FROM samples s JOIN files f ON f.id = s.file_id LEFT JOIN devices d ON d.id = "
    "s.device_id";

// Listings step through SQLite's C API on the connection Qt opened (the same libsqlite3): Qt
// Sql converts every column of every row to a QVariant, which costs ~7 µs per listed sample.
class Statement {
 public:
  Statement(sqlite3* db, const QString& sql, const QVariantList& values) {
    const QByteArray text = sql.toUtf8();
    if (!db ||
        sqlite3_prepare_v2(db, text.constData(), int(text.size()), &m_st, nullptr) != SQLITE_OK) {
      m_error = db ? QString::fromUtf8(sqlite3_errmsg(db)) : QStringLiteral("no SQLite handle");
      return;
    }
    int i = 1;
    for (const QVariant& v : values) {
      if (v.type() == QVariant::String) {
        const QByteArray utf8 = v.toString().toUtf8();
        sqlite3_bind_text(m_st, i++, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_int64(m_st, i++, v.toLongLong());
      }
    }
  }
  ~Statement() { sqlite3_finalize(m_st); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return m_st != nullptr; }
  const QString& error() const { return m_error; }
  bool step() {
    const int rc = sqlite3_step(m_st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      m_error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_st)));
    return rc == SQLITE_ROW;
  }
  qint64 integer(int c) const { return sqlite3_column_int64(m_st, c); }
  double real(int c) const { return sqlite3_column_double(m_st, c); }
  QByteArray raw(int c) const {
    return QByteArray::fromRawData(reinterpret_cast<const char*>(sqlite3_column_text(m_st, c)),
                                   sqlite3_column_bytes(m_st, c));
  }
  QString text(int c) const {
    return QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(m_st, c)),
                             sqlite3_column_bytes(m_st, c));
  }

 private:
  sqlite3_stmt* m_st = nullptr;
  QString m_error;
};

sqlite3* handleOf(const QSqlDatabase& db) {
  const QVariant v = db.driver()->handle();
  if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0) return nullptr;
  return *static_cast<sqlite3* const*>(v.data());
}

// Axes and units are JSON lists, the same few for thousands of samples: parse each once.
class ListCache {
 public:
  const QStringList& list(const QByteArray& json) {
    auto it = m_lists.find(json);
    if (it == m_lists.end()) {
      const QByteArray key(json.constData(), json.size());  // deep copy for the key
      it = m_lists.insert(key, fromJsonList(QString::fromUtf8(key)));
    }
    return *it;
  }

 private:
  QHash<QByteArray, QStringList> m_lists;
};

SampleRecord recordFrom(const Statement& q, ListCache& cache,
                        const QHash<qint64, QString>& labelNames) {
  SampleRecord r;
  r.id = q.integer(0);
  r.contentId = q.text(1);
  r.name = q.text(2);
  r.file = q.text(3);
  r.begin = q.integer(4);
  r.frames = q.integer(5);
  r.channels = int(q.integer(6));
  r.rateHz = q.real(7);
  const QByteArray type = q.raw(8);
  r.type = type == "int32"     ? SampleType::kInt32
           : type == "float32" ? SampleType::kFloat32
                               : SampleType::kInt16;
  r.sensor = q.text(9);
  r.axes = cache.list(q.raw(10));
  r.units = cache.list(q.raw(11));
  r.firstDeviceUs = q.integer(12);
  r.createdMs = q.integer(13);
  const qint64 split = q.integer(14);
  r.split = split == 1 ? Split::kTrain : split == 2 ? Split::kTest : Split::kUnassigned;
  r.sessionId = q.integer(15);
  r.device = q.text(16);
  qint64 labelId = 0;
  const QByteArray ids = q.raw(17);
  for (int i = 0; i <= ids.size(); ++i) {
    if (i < ids.size() && ids[i] >= '0' && ids[i] <= '9') {
      labelId = labelId * 10 + (ids[i] - '0');
      continue;
    }
    const QString name = labelNames.value(labelId);
    if (labelId > 0 && !r.labels.contains(name)) r.labels << name;
    labelId = 0;
  }
  if (r.labels.size() > 1) r.labels.sort();
  return r;
}

// Selects samples with their labels in id order (one query; label names read once).
bool selectSamples(const QSqlDatabase& db, const QString& where, const QVariantList& values,
                   QVector<SampleRecord>* rows, QString* error) {
  sqlite3* h = handleOf(db);
  QHash<qint64, QString> labelNames;  // one QString per label, shared by every sample carrying it
  {
    Statement q(h, QStringLiteral("SELECT id, name FROM labels"), {});
    while (q.ok() && q.step()) labelNames.insert(q.integer(0), q.text(1));
    if (!q.ok() || !q.error().isEmpty())
      return setError(error, QStringLiteral("listing labels: %1").arg(q.error()));
  }
  Statement q(h,
              QStringLiteral("SELECT %1%2 ORDER BY s.id").arg(QLatin1String(kSampleColumns), where),
              values);
  if (!q.ok()) return setError(error, QStringLiteral("listing samples: %1").arg(q.error()));
  ListCache cache;
  std::vector<SampleRecord> read;  // moves on growth, unlike QVector of a non-movable type
  while (q.step()) read.push_back(recordFrom(q, cache, labelNames));
  if (!q.error().isEmpty())
    return setError(error, QStringLiteral("listing samples: %1").arg(q.error()));
  rows->reserve(int(read.size()));
  for (SampleRecord& r : read) rows->append(std::move(r));
  return true;
}

}  // namespace

QVector<SampleRecord> DatasetStore::listSamples(const SampleFilter& filter, const SamplePage& page,
                                                QString* error) const {
  QVariantList values;
  QString where = filterWhere(filter, &values);
  if (page.afterId > 0) {
    where += where.isEmpty() ? QStringLiteral(" WHERE s.id > ?") : QStringLiteral(" AND s.id > ?");
    values.append(page.afterId);
  }
  if (page.limit > 0 || page.offset > 0) {
    // The page's ids first, from a scan that reads ids only (skipping 100,000 rows costs ~1 ms),
    // then the columns of those ids alone. SQLite: LIMIT -1 is no limit; OFFSET needs a LIMIT.
    where = QStringLiteral(
                " WHERE s.id IN (SELECT s.id FROM samples s%1 ORDER BY s.id LIMIT ? "
                "OFFSET ?)")
                .arg(where);
    values.append(page.limit > 0 ? qint64(page.limit) : qint64(-1));
    values.append(std::max<qint64>(0, page.offset));
  }
  QVector<SampleRecord> out;
  if (!selectSamples(database(), where, values, &out, error)) {
    if (error) *error = path(QLatin1String(kIndexFile)) + QStringLiteral(": ") + *error;
    return {};
  }
  return out;
}

qint64 DatasetStore::countSamples(const SampleFilter& filter, QString* error) const {
  QVariantList values;
  const QString where = filterWhere(filter, &values);
  Statement q(handleOf(database()), QStringLiteral("SELECT count(*) FROM samples s") + where,
              values);
  if (!q.ok() || !q.step()) {
    setError(
        error,
        QStringLiteral("%1: counting samples: %2").arg(path(QLatin1String(kIndexFile)), q.error()));
    return -1;
  }
  return q.integer(0);
}

namespace {

// Samples per label with their seconds: SQL does the two scans, this merges them. The matching
// samples' ids and seconds in id order (the table's own order), then every (label, sample) pair
// in label order from the covering index segments_label (label_id, sample_id); a sample counts
// once per label however many segments it has. O(samples + segments), no join per row: ~10x
// faster than SQLite's nested-loop join of segments to samples.
bool countByLabel(sqlite3* db, const QString& where, const QVariantList& values,
                  QVector<GroupCount>* out, QString* error) {
  // No ORDER BY: SQLite then reads the narrowest covering index, not the table.
  std::vector<qint64> ids;
  std::vector<double> seconds;
  qint64 maxId = 0;
  {
    Statement q(db, QStringLiteral("SELECT s.id, s.frames / s.rate_hz FROM samples s%1").arg(where),
                values);
    while (q.ok() && q.step()) {
      ids.push_back(q.integer(0));
      seconds.push_back(q.real(1));
      maxId = std::max(maxId, ids.back());
    }
    if (!q.ok() || !q.error().isEmpty()) return setError(error, q.error());
  }
  // Sample id -> its slot: a table indexed by id while ids are dense enough (4 bytes per id up
  // to the largest), else the ids sorted and searched.
  std::vector<qint32> slotById;
  std::vector<std::pair<qint64, qint32>> sorted;
  if (maxId <= 16 * qint64(ids.size()) + 65536) {
    slotById.assign(size_t(maxId) + 1, -1);
    for (size_t i = 0; i < ids.size(); ++i) slotById[size_t(ids[i])] = qint32(i);
  } else {
    sorted.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) sorted.emplace_back(ids[i], qint32(i));
    std::sort(sorted.begin(), sorted.end());
  }
  auto slotOf = [&](qint64 id) -> qint32 {
    if (!slotById.empty()) return id >= 0 && id <= maxId ? slotById[size_t(id)] : -1;
    const auto at = std::lower_bound(sorted.begin(), sorted.end(), std::make_pair(id, qint32(-1)));
    return at != sorted.end() && at->first == id ? at->second : -1;
  };
  QHash<qint64, QString> names;
  {
    Statement q(db, QStringLiteral("SELECT id, name FROM labels"), {});
    while (q.ok() && q.step()) names.insert(q.integer(0), q.text(1));
    if (!q.ok() || !q.error().isEmpty()) return setError(error, q.error());
  }
  std::vector<bool> labelled(ids.size(), false);
  QMap<QString, GroupCount> groups;
  Statement q(
      db, QStringLiteral("SELECT label_id, sample_id FROM segments ORDER BY label_id, sample_id"),
      {});
  qint64 prevLabel = -1, prevSample = -1;
  GroupCount* group = nullptr;
  while (q.ok() && q.step()) {
    const qint64 label = q.integer(0), sample = q.integer(1);
    if (label == prevLabel && sample == prevSample) continue;
    if (label != prevLabel) group = nullptr;
    prevLabel = label;
    prevSample = sample;
    const qint32 slot = slotOf(sample);
    if (slot < 0) continue;
    const size_t i = size_t(slot);
    if (!group) {
      const QString name = names.value(label);
      group = &groups[name];
      group->key = name;
    }
    ++group->samples;
    group->seconds += seconds[i];
    labelled[i] = true;
  }
  if (!q.ok() || !q.error().isEmpty()) return setError(error, q.error());
  GroupCount unlabeled;
  for (size_t i = 0; i < ids.size(); ++i)
    if (!labelled[i]) {
      ++unlabeled.samples;
      unlabeled.seconds += seconds[i];
    }
  if (unlabeled.samples > 0) out->append(unlabeled);
  for (const GroupCount& g : groups) out->append(g);
  return true;
}

}  // namespace

QVector<GroupCount> DatasetStore::countBy(GroupBy group, const SampleFilter& filter,
                                          QString* error) const {
  QVariantList values;
  const QString where = filterWhere(filter, &values);
  QVector<GroupCount> out;
  auto failed = [&](const QString& why) {
    setError(error,
             QStringLiteral("%1: counting samples: %2").arg(path(QLatin1String(kIndexFile)), why));
    return QVector<GroupCount>();
  };
  if (group == GroupBy::kLabel) {
    QString why;
    if (!countByLabel(handleOf(database()), where, values, &out, &why)) return failed(why);
    return out;
  }
  // One pass over a covering index (samples_*_seconds: the key, frames, rate_hz) in key order.
  QString sql;
  switch (group) {
    case GroupBy::kLabel:
      break;
    case GroupBy::kSplit:
      sql =
          QStringLiteral(
              "SELECT CASE s.split WHEN 1 THEN 'train' WHEN 2 THEN 'test' ELSE 'unassigned' END, "
              "count(*), total(s.frames / s.rate_hz) FROM samples s%1 GROUP BY s.split ORDER BY 1")
              .arg(where);
      break;
    case GroupBy::kDevice:
      sql = QStringLiteral(
                "SELECT coalesce((SELECT d.name FROM devices d WHERE d.id = s.device_id), ''), "
                "count(*), total(s.frames / s.rate_hz) FROM samples s%1 GROUP BY s.device_id "
                "ORDER BY 1")
                .arg(where);
      break;
    case GroupBy::kSession:
      sql = QStringLiteral(
                "SELECT coalesce(s.session_id, ''), count(*), total(s.frames / s.rate_hz) FROM "
                "samples s%1 GROUP BY s.session_id ORDER BY s.session_id")
                .arg(where);
      break;
  }
  Statement q(handleOf(database()), sql, values);
  while (q.ok() && q.step()) {
    GroupCount c{q.text(0), q.integer(1), q.real(2)};
    // Two devices may share a name (different URIs): one group per name.
    if (!out.isEmpty() && out.constLast().key == c.key) {
      out.last().samples += c.samples;
      out.last().seconds += c.seconds;
    } else {
      out.append(c);
    }
  }
  if (!q.ok() || !q.error().isEmpty()) return failed(q.error());
  return out;
}

bool DatasetStore::sample(qint64 id, SampleRecord* out, QString* error) const {
  QVector<SampleRecord> one;
  if (!selectSamples(database(), QStringLiteral(" WHERE s.id = ?"), {id}, &one, error))
    return false;
  if (one.isEmpty()) return setError(error, QStringLiteral("sample %1: no such sample").arg(id));
  *out = one.first();
  return true;
}

namespace {

// Runs one query and turns each row into a T.
template <typename T, typename Row>
QVector<T> rowsOf(const QSqlDatabase& db, const char* sql, const QVariantList& values,
                  const QString& what, QString* error, Row&& row) {
  QVector<T> out;
  QSqlQuery q(db);
  q.setForwardOnly(true);
  q.prepare(QLatin1String(sql));
  bind(q, values);
  if (!run(q, what, error)) return out;
  while (q.next()) out.append(row(q));
  return out;
}

}  // namespace

QVector<Segment> DatasetStore::segments(qint64 sampleId, QString* error) const {
  return rowsOf<Segment>(
      database(),
      "SELECT g.id, g.sample_id, l.name, g.whole, g.start_frame, g.end_frame FROM segments g JOIN "
      "labels l ON l.id = g.label_id WHERE g.sample_id = ? ORDER BY g.whole DESC, g.start_frame, "
      "g.end_frame, l.name",
      {sampleId}, QStringLiteral("segments"), error, [](const QSqlQuery& q) {
        return Segment{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),
                       q.value(3).toInt() != 0, q.value(4).toLongLong(), q.value(5).toLongLong()};
      });
}

QVector<Gap> DatasetStore::gaps(qint64 sampleId, QString* error) const {
  return rowsOf<Gap>(
      database(),
      "SELECT g.at_frame - s.begin_frame, g.lost_frames, g.device_us FROM gaps g JOIN samples s ON "
      "s.file_id = g.file_id WHERE s.id = ? AND g.at_frame >= s.begin_frame AND g.at_frame <= "
      "s.begin_frame + s.frames ORDER BY g.at_frame",
      {sampleId}, QStringLiteral("gaps"), error, [](const QSqlQuery& q) {
        return Gap{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong()};
      });
}

QVector<ModelOutput> DatasetStore::outputs(qint64 sampleId, QString* error) const {
  return rowsOf<ModelOutput>(
      database(),
      "SELECT o.at_frame - s.begin_frame, o.device_us, o.model, o.scores FROM model_outputs o JOIN "
      "samples s ON s.file_id = o.file_id WHERE s.id = ? AND o.at_frame >= s.begin_frame AND "
      "o.at_frame <= s.begin_frame + s.frames ORDER BY o.at_frame",
      {sampleId}, QStringLiteral("model_outputs"), error, [](const QSqlQuery& q) {
        ModelOutput o{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(), {}};
        for (const QJsonValue& v : QJsonDocument::fromJson(q.value(3).toString().toUtf8()).array())
          o.scores.append(static_cast<float>(v.toDouble()));
        return o;
      });
}

QMap<QString, QString> DatasetStore::metadata(qint64 sampleId, QString* error) const {
  QMap<QString, QString> out;
  QSqlQuery q(database());
  q.prepare(QStringLiteral("SELECT key, value FROM metadata WHERE sample_id = ?"));
  q.addBindValue(sampleId);
  if (!run(q, QStringLiteral("metadata"), error)) return out;
  while (q.next()) out.insert(q.value(0).toString(), q.value(1).toString());
  return out;
}

QStringList DatasetStore::labelNames(QString* error) const {
  return rowsOf<QString>(database(), "SELECT name FROM labels ORDER BY name", {},
                         QStringLiteral("labels"), error,
                         [](const QSqlQuery& q) { return q.value(0).toString(); })
      .toList();
}

bool DatasetStore::summary(DatasetSummary* out, QString* error) const {
  DatasetSummary s;
  s.schemaVersion = schemaVersion();
  QSqlQuery q(database());
  auto scalar = [&](const char* sql, qint64* v) {
    if (!q.exec(QLatin1String(sql)) || !q.next())
      return setError(error, QStringLiteral("%1: %2").arg(path(QLatin1String(kIndexFile)),
                                                          q.lastError().text()));
    *v = q.value(0).toLongLong();
    return true;
  };
  if (!scalar("SELECT count(*) FROM samples", &s.samples) ||
      !scalar("SELECT count(*) FROM files", &s.files) ||
      !scalar("SELECT coalesce(sum(frames), 0) FROM samples", &s.frames) ||
      !scalar("SELECT coalesce(sum(bytes), 0) FROM files", &s.payloadBytes) ||
      !scalar("SELECT count(*) FROM sessions", &s.sessions) ||
      !scalar("SELECT count(*) FROM devices", &s.devices) ||
      !scalar("SELECT count(*) FROM samples WHERE split = 1", &s.train) ||
      !scalar("SELECT count(*) FROM samples WHERE split = 2", &s.test) ||
      !scalar("SELECT count(*) FROM samples WHERE split = 0", &s.unassigned))
    return false;
  SampleFilter unlabeled;
  unlabeled.unlabeled = true;
  s.unlabeled = countSamples(unlabeled, error);
  if (s.unlabeled < 0) return false;
  if (!q.exec(QStringLiteral("SELECT coalesce(sum(frames / rate_hz), 0) FROM samples")) ||
      !q.next())
    return setError(error, q.lastError().text());
  s.seconds = q.value(0).toDouble();
  if (!q.exec(QStringLiteral("SELECT l.name, count(DISTINCT g.sample_id) FROM labels l LEFT JOIN "
                             "segments g ON g.label_id = l.id GROUP BY l.id ORDER BY l.name")))
    return setError(error, q.lastError().text());
  while (q.next()) s.labels.append({q.value(0).toString(), q.value(1).toLongLong()});
  *out = s;
  return true;
}

bool DatasetStore::readFrames(qint64 sampleId, QByteArray* out, QString* error) const {
  SampleRecord r;
  if (!sample(sampleId, &r, error)) return false;
  PayloadInfo info;
  if (!readPayloadInfo(path(r.file), &info, error)) return false;
  if (info.channels != r.channels || info.type != r.type)
    return setError(error, QStringLiteral("%1: %2 channels of %3, but the index says %4 of %5")
                               .arg(path(r.file))
                               .arg(info.channels)
                               .arg(sampleTypeName(info.type))
                               .arg(r.channels)
                               .arg(sampleTypeName(r.type)));
  return readPayloadFrames(path(r.file), r.begin, r.frames, out, error);
}

QString DatasetStore::moveAside(const QString& rel, const char* folder, QString* error) {
  const QString dirPath = path(QLatin1String(folder));
  if (!QDir().mkpath(dirPath)) {
    setError(error, QStringLiteral("%1: cannot create the folder").arg(dirPath));
    return {};
  }
  const QString name = QFileInfo(rel).fileName();
  QString target = dirPath + QLatin1Char('/') + name;
  for (int i = 1; QFileInfo::exists(target); ++i)
    target = dirPath + QLatin1Char('/') + QStringLiteral("%1.%2").arg(i).arg(name);
  if (::rename(QFile::encodeName(path(rel)).constData(), QFile::encodeName(target).constData()) !=
      0) {
    setError(error, QStringLiteral("%1: cannot move to %2").arg(path(rel), dirPath));
    return {};
  }
  if (!syncPath(dirPath, error) || !syncPath(QFileInfo(path(rel)).absolutePath(), error)) return {};
  return QLatin1String(folder) + QLatin1Char('/') + QFileInfo(target).fileName();
}

namespace {

// Deletes the index rows of samples and of files no sample uses any more; returns those files'
// (payload, sidecar) paths. Runs inside the caller's transaction.
bool dropFromIndex(QSqlDatabase db, const QVector<qint64>& sampleIds,
                   const QVector<qint64>& fileIds, QStringList* freedFiles, QString* error) {
  QSqlQuery q(db);
  QSet<qint64> files(fileIds.begin(), fileIds.end());
  for (qint64 id : sampleIds) {
    q.prepare(QStringLiteral("SELECT file_id FROM samples WHERE id = ?"));
    q.addBindValue(id);
    if (!run(q, QStringLiteral("samples"), error)) return false;
    if (!q.next()) return setError(error, QStringLiteral("sample %1: no such sample").arg(id));
    files.insert(q.value(0).toLongLong());
    for (const char* sql :
         {"DELETE FROM segments WHERE sample_id = ?", "DELETE FROM metadata WHERE sample_id = ?",
          "DELETE FROM samples WHERE id = ?"}) {
      q.prepare(QLatin1String(sql));
      q.addBindValue(id);
      if (!run(q, QStringLiteral("samples"), error)) return false;
    }
  }
  for (qint64 f : files) {
    q.prepare(QStringLiteral("SELECT count(*) FROM samples WHERE file_id = ?"));
    q.addBindValue(f);
    if (!run(q, QStringLiteral("samples"), error) || !q.next()) return false;
    if (q.value(0).toLongLong() > 0) continue;
    q.prepare(QStringLiteral("SELECT path, sidecar FROM files WHERE id = ?"));
    q.addBindValue(f);
    if (!run(q, QStringLiteral("files"), error)) return false;
    if (q.next()) *freedFiles << q.value(0).toString() << q.value(1).toString();
    for (const char* sql :
         {"DELETE FROM gaps WHERE file_id = ?", "DELETE FROM model_outputs WHERE file_id = ?",
          "DELETE FROM files WHERE id = ?"}) {
      q.prepare(QLatin1String(sql));
      q.addBindValue(f);
      if (!run(q, QStringLiteral("files"), error)) return false;
    }
  }
  return true;
}

}  // namespace

bool DatasetStore::removeSamples(const QVector<qint64>& ids, QString* error) {
  QStringList freed;
  {
    Transaction tx(database());
    if (!dropFromIndex(database(), ids, {}, &freed, error)) return false;
    if (!tx.commit())
      return setError(error,
                      QStringLiteral("%1: commit failed").arg(path(QLatin1String(kIndexFile))));
  }
  for (const QString& rel : freed)
    if (QFileInfo::exists(path(rel)) && moveAside(rel, kTrashDir, error).isEmpty()) return false;
  return true;
}

namespace {

// A payload in samples/ the index does not know, with its sidecar if that reads.
struct OrphanCheck {
  bool reindexable = false;
  QString detail;
  QString sidecarRel;
  SampleSpec spec;
  qint64 frames = 0;
  QString sha;
};

OrphanCheck checkOrphan(const QString& dir, const QString& rel,
                        const QHash<QString, QString>& indexedShas) {
  OrphanCheck c;
  const QFileInfo fi(dir + QLatin1Char('/') + rel);
  c.sidecarRel = QLatin1String(kSamplesDir) + QLatin1Char('/') + fi.completeBaseName() +
                 QStringLiteral(".json");
  QFile side(dir + QLatin1Char('/') + c.sidecarRel);
  if (!side.open(QIODevice::ReadOnly)) {
    c.detail = QStringLiteral("no sidecar %1").arg(c.sidecarRel);
    return c;
  }
  QString payloadName, payloadSha, error;
  if (!sidecarFromJson(side.read(1 << 24), c.sidecarRel, &c.spec, &c.frames, &payloadName,
                       &payloadSha, &error)) {
    c.detail = error;
    return c;
  }
  QString sha;
  if (payloadName != fi.fileName() || !sha256OfFile(fi.filePath(), &sha, &error) ||
      sha != payloadSha) {
    c.detail = QStringLiteral("SHA-256 differs from its sidecar's payload_sha256");
    return c;
  }
  if (indexedShas.contains(sha)) {
    c.detail = QStringLiteral("a copy of %1, which the index holds").arg(indexedShas.value(sha));
    return c;
  }
  c.sha = sha;
  PayloadInfo info;
  if (!readPayloadInfo(fi.filePath(), &info, &error)) {
    c.detail = error;
    return c;
  }
  if (info.frames != c.frames || info.channels != c.spec.axes.size() || info.type != c.spec.type) {
    c.detail = QStringLiteral("%1 frames × %2 channels of %3, but the sidecar says %4 × %5 of %6")
                   .arg(info.frames)
                   .arg(info.channels)
                   .arg(sampleTypeName(info.type))
                   .arg(c.frames)
                   .arg(c.spec.axes.size())
                   .arg(sampleTypeName(c.spec.type));
    return c;
  }
  c.spec.format = info.format;
  c.reindexable = true;
  c.detail = QStringLiteral("not in the index; its sidecar reads");
  return c;
}

bool isPayloadName(const QString& name) {
  return name.endsWith(QLatin1String(".wav")) || name.endsWith(QLatin1String(".flac"));
}

}  // namespace

bool DatasetStore::verify(VerifyReport* report, QString* error) const {
  VerifyReport r;
  QSqlQuery q(database());
  q.setForwardOnly(true);
  if (!q.exec(
          QStringLiteral("SELECT path, sha256, sidecar, sidecar_sha256 FROM files ORDER BY id")))
    return setError(
        error, QStringLiteral("%1: %2").arg(path(QLatin1String(kIndexFile)), q.lastError().text()));
  QSet<QString> known;
  QHash<QString, QString> shas;  // payload SHA-256 -> path
  while (q.next()) {
    shas.insert(q.value(1).toString(), q.value(0).toString());
    for (int i = 0; i < 4; i += 2) {
      const QString rel = q.value(i).toString();
      const QString want = q.value(i + 1).toString();
      known.insert(rel);
      const QString abs = path(rel);
      if (!QFileInfo::exists(abs)) {
        r.findings.append({Finding::Kind::kMissing, rel, QStringLiteral("indexed but absent")});
        continue;
      }
      QString sha, e;
      ++r.checkedFiles;
      r.checkedBytes += QFileInfo(abs).size();
      if (!sha256OfFile(abs, &sha, &e))
        r.findings.append({Finding::Kind::kCorrupt, rel, e});
      else if (sha != want)
        r.findings.append(
            {Finding::Kind::kCorrupt, rel,
             QStringLiteral("SHA-256 %1, the index says %2").arg(sha.left(16), want.left(16))});
    }
  }
  const QDir samples(path(QLatin1String(kSamplesDir)));
  const QStringList names = samples.entryList(
      QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
  QSet<QString> orphanSidecars;
  for (const QString& name : names) {
    const QString rel = QLatin1String(kSamplesDir) + QLatin1Char('/') + name;
    if (known.contains(rel) || !isPayloadName(name) || name.startsWith(QLatin1String(kTempPrefix)))
      continue;
    const OrphanCheck c = checkOrphan(m_dir, rel, shas);
    if (c.reindexable) {
      r.findings.append({Finding::Kind::kOrphaned, rel, c.detail});
      orphanSidecars.insert(c.sidecarRel);
    } else {
      r.findings.append({Finding::Kind::kExtra, rel, c.detail});
    }
  }
  for (const QString& name : names) {
    const QString rel = QLatin1String(kSamplesDir) + QLatin1Char('/') + name;
    if (known.contains(rel) || orphanSidecars.contains(rel)) continue;
    if (isPayloadName(name) && !name.startsWith(QLatin1String(kTempPrefix))) continue;  // above
    r.findings.append({Finding::Kind::kExtra, rel,
                       name.startsWith(QLatin1String(kTempPrefix))
                           ? QStringLiteral("an interrupted write")
                           : QStringLiteral("not in the index")});
  }
  *report = r;
  return true;
}

bool DatasetStore::repair(RepairReport* report, QString* error) {
  VerifyReport v;
  if (!verify(&v, error)) return false;
  RepairReport out;
  QSet<QString> badIndexed;
  QHash<QString, QString> shas;  // payload SHA-256 -> path, of the index as repair goes
  {
    QSqlQuery q(database());
    if (!q.exec(QStringLiteral("SELECT sha256, path FROM files")))
      return setError(error, QStringLiteral("%1: %2").arg(path(QLatin1String(kIndexFile)),
                                                          q.lastError().text()));
    while (q.next()) shas.insert(q.value(0).toString(), q.value(1).toString());
  }
  for (const Finding& f : v.findings) {
    switch (f.kind) {
      case Finding::Kind::kOrphaned: {
        const OrphanCheck c = checkOrphan(m_dir, f.file, shas);
        if (!c.reindexable) {  // e.g. a second copy of a payload re-indexed just before
          if (moveAside(f.file, kQuarantineDir, error).isEmpty()) return false;
          out.quarantined << f.file;
          break;
        }
        QString sidecarSha;
        if (!sha256OfFile(path(c.sidecarRel), &sidecarSha, error)) return false;
        if (indexPayload(c.spec, c.frames, f.file, c.sha, QFileInfo(path(f.file)).size(),
                         c.sidecarRel, sidecarSha, error) == 0)
          return false;
        shas.insert(c.sha, f.file);
        out.reindexed << f.file;
        break;
      }
      case Finding::Kind::kExtra: {
        const QString moved = moveAside(f.file, kQuarantineDir, error);
        if (moved.isEmpty()) return false;
        out.quarantined << f.file;
        break;
      }
      case Finding::Kind::kMissing:
      case Finding::Kind::kCorrupt:
        badIndexed.insert(f.file);
        break;
    }
  }
  // Files whose payload or sidecar is missing/corrupt: save their index rows as JSON in
  // quarantine/, move what is left of them there, and take them out of the index.
  for (const QString& rel : badIndexed) {
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT id, path, sidecar FROM files WHERE path = ? OR sidecar = ?"));
    q.addBindValue(rel);
    q.addBindValue(rel);
    if (!run(q, QStringLiteral("files"), error)) return false;
    if (!q.next()) continue;  // both halves of one file were reported; done already
    const qint64 fileId = q.value(0).toLongLong();
    const QString payload = q.value(1).toString(), sidecar = q.value(2).toString();
    QJsonArray samples;
    QVector<qint64> ids;
    q.prepare(QStringLiteral("SELECT id FROM samples WHERE file_id = ?"));
    q.addBindValue(fileId);
    if (!run(q, QStringLiteral("samples"), error)) return false;
    while (q.next()) ids.append(q.value(0).toLongLong());
    for (qint64 id : ids) {
      SampleRecord s;
      if (!sample(id, &s, error)) return false;
      QJsonArray segs;
      for (const Segment& g : segments(id, error))
        segs.append(QJsonObject{{"label", g.label},
                                {"whole", g.whole},
                                {"start", double(g.start)},
                                {"end", double(g.end)}});
      samples.append(QJsonObject{{"name", s.name},
                                 {"content_id", s.contentId},
                                 {"begin", double(s.begin)},
                                 {"frames", double(s.frames)},
                                 {"split", splitName(s.split)},
                                 {"segments", segs}});
    }
    const QString record = path(QLatin1String(kQuarantineDir)) + QLatin1Char('/') +
                           QFileInfo(payload).fileName() + QStringLiteral(".index.json");
    QDir().mkpath(path(QLatin1String(kQuarantineDir)));
    if (!writeFileAtomically(
            record, QJsonDocument(QJsonObject{{"payload", payload}, {"samples", samples}}).toJson(),
            error))
      return false;
    QStringList freed;
    Transaction tx(database());
    if (!dropFromIndex(database(), ids, {fileId}, &freed, error)) return false;
    if (!tx.commit())
      return setError(error,
                      QStringLiteral("%1: commit failed").arg(path(QLatin1String(kIndexFile))));
    for (const QString& f : {payload, sidecar}) {
      if (QFileInfo::exists(path(f))) {
        if (moveAside(f, kQuarantineDir, error).isEmpty()) return false;
        out.quarantined << f;
      }
    }
    out.unindexed << payload;
  }
  *report = out;
  return true;
}

}  // namespace tinyscope::dataset
