#include "app/core/dataset/edit_commands.h"

#include <QCryptographicHash>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <algorithm>
#include <cmath>

#include "app/core/dataset/dataset_store.h"

namespace tinyscope::dataset {

namespace {

bool setError(QString* error, const QString& message) {
  if (error) *error = message;
  return false;
}

bool exec(QSqlQuery& q, const QString& what, QString* error) {
  if (q.exec()) return true;
  return setError(error, QStringLiteral("%1: %2").arg(what, q.lastError().text()));
}

QString joined(const QVariantMap& m, const QString& pattern, const QString& sep) {
  QStringList parts;
  for (auto it = m.begin(); it != m.end(); ++it)
    parts << QString(pattern).replace(QLatin1Char('@'), it.key());
  return parts.join(sep);
}

bool insertRow(StatementCache& c, const QString& table, qint64 id, const QVariantMap& values,
               QString* error) {
  QVariantMap row = values;
  row.remove(QStringLiteral("id"));
  QSqlQuery& q =
      c.get(QStringLiteral("INSERT INTO %1(id%2) VALUES(?%3)")
                .arg(table,
                     row.isEmpty() ? QString()
                                   : QStringLiteral(",") +
                                         joined(row, QStringLiteral("@"), QStringLiteral(",")),
                     QString(QStringLiteral(",?")).repeated(row.size())));
  q.addBindValue(id);
  for (const QVariant& v : row) q.addBindValue(v);
  return exec(q, table, error);
}

bool updateRow(StatementCache& c, const QString& table, qint64 id, const QVariantMap& values,
               QString* error) {
  QSqlQuery& q =
      c.get(QStringLiteral("UPDATE %1 SET %2 WHERE id = ?")
                .arg(table, joined(values, QStringLiteral("@ = ?"), QStringLiteral(", "))));
  for (const QVariant& v : values) q.addBindValue(v);
  q.addBindValue(id);
  if (!exec(q, table, error)) return false;
  if (q.numRowsAffected() != 1)
    return setError(error, QStringLiteral("%1: no row %2").arg(table).arg(id));
  return true;
}

bool deleteRow(StatementCache& c, const QString& table, qint64 id, QString* error) {
  QSqlQuery& q = c.get(QStringLiteral("DELETE FROM %1 WHERE id = ?").arg(table));
  q.addBindValue(id);
  return exec(q, table, error);
}

}  // namespace

QSqlQuery& StatementCache::get(const QString& sql) {
  auto it = m_queries.find(sql);
  if (it == m_queries.end()) {
    it = m_queries.insert(sql, QSqlQuery(m_db));
    it->prepare(sql);
  }
  return *it;
}

RowJournal::RowJournal(DatasetStore* store) : m_cache(store->database()) {}

std::optional<QVariantMap> RowJournal::row(const QString& table, qint64 id, QString* error) {
  QSqlQuery& q = m_cache.get(QStringLiteral("SELECT * FROM %1 WHERE id = ?").arg(table));
  q.addBindValue(id);
  if (!exec(q, table, error) || !q.next()) return std::nullopt;
  QVariantMap m;
  const QSqlRecord r = q.record();
  for (int i = 0; i < r.count(); ++i) m.insert(r.fieldName(i), q.value(i));
  q.finish();
  return m;
}

qint64 RowJournal::insert(const QString& table, const QVariantMap& values, QString* error) {
  QSqlQuery& q =
      m_cache.get(QStringLiteral("INSERT INTO %1(%2) VALUES(%3)")
                      .arg(table, joined(values, QStringLiteral("@"), QStringLiteral(",")),
                           joined(values, QStringLiteral("?"), QStringLiteral(","))));
  for (const QVariant& v : values) q.addBindValue(v);
  if (!exec(q, table, error)) return 0;
  const qint64 id = q.lastInsertId().toLongLong();
  std::optional<QVariantMap> after = row(table, id, error);
  if (!after) return 0;
  m_changes.push_back({RowChange::Kind::kInsert, table, id, {}, *after});
  return id;
}

bool RowJournal::update(const QString& table, qint64 id, const QVariantMap& values, QString* error,
                        const QVariantMap* knownBefore) {
  QVariantMap before;
  if (knownBefore) {
    before = *knownBefore;
  } else {
    QSqlQuery& q =
        m_cache.get(QStringLiteral("SELECT %1 FROM %2 WHERE id = ?")
                        .arg(joined(values, QStringLiteral("@"), QStringLiteral(",")), table));
    q.addBindValue(id);
    if (!exec(q, table, error)) return false;
    if (!q.next()) return setError(error, QStringLiteral("%1: no row %2").arg(table).arg(id));
    int i = 0;
    for (auto it = values.begin(); it != values.end(); ++it) before.insert(it.key(), q.value(i++));
    q.finish();
  }
  if (!updateRow(m_cache, table, id, values, error)) return false;
  m_changes.push_back({RowChange::Kind::kUpdate, table, id, before, values});
  return true;
}

bool RowJournal::remove(const QString& table, qint64 id, QString* error) {
  std::optional<QVariantMap> before = row(table, id, error);
  if (!before) return setError(error, QStringLiteral("%1: no row %2").arg(table).arg(id));
  if (!deleteRow(m_cache, table, id, error)) return false;
  m_changes.push_back({RowChange::Kind::kDelete, table, id, *before, {}});
  return true;
}

qint64 RowJournal::labelId(const QString& name, QString* error) {
  if (name.trimmed().isEmpty() || name.size() > 200)
    return setError(error, QStringLiteral("label '%1': a label is 1 to 200 characters, not blank")
                               .arg(name.left(40))),
           0;
  QSqlQuery& q = m_cache.get(QStringLiteral("SELECT id FROM labels WHERE name = ?"));
  q.addBindValue(name);
  if (!exec(q, QStringLiteral("labels"), error)) return 0;
  if (q.next()) {
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    return id;
  }
  q.finish();
  return insert(QStringLiteral("labels"), {{QStringLiteral("name"), name}}, error);
}

EditCommand::EditCommand(DatasetStore* store, QString text, Apply apply)
    : m_store(store), m_text(std::move(text)), m_apply(std::move(apply)) {}

bool EditCommand::inTransaction(const std::function<bool()>& body, QString* error) {
  QSqlDatabase db = m_store->database();
  if (!db.transaction())
    return setError(
        error,
        QStringLiteral("%1: cannot start a transaction (%2)").arg(m_text, db.lastError().text()));
  if (!body()) {
    db.rollback();
    return false;
  }
  if (!db.commit()) {
    const QString why = db.lastError().text();
    db.rollback();
    return setError(error, QStringLiteral("%1: commit failed (%2)").arg(m_text, why));
  }
  return true;
}

bool EditCommand::redo(QString* error) {
  if (m_applied) return setError(error, QStringLiteral("%1: already done").arg(m_text));
  if (m_done) {
    if (!replay(true, error)) return false;
    m_applied = true;
    return true;
  }
  RowJournal journal(m_store);
  if (!inTransaction([&] { return m_apply(journal, error); }, error)) return false;
  m_changes = journal.take();
  m_done = m_applied = true;
  return true;
}

bool EditCommand::undo(QString* error) {
  if (!m_applied)
    return setError(error, QStringLiteral("%1: not done, nothing to undo").arg(m_text));
  if (!replay(false, error)) return false;
  m_applied = false;
  return true;
}

bool EditCommand::replay(bool forward, QString* error) {
  StatementCache cache(m_store->database());
  auto step = [&](const RowChange& c) {
    using K = RowChange::Kind;
    if (c.kind == K::kUpdate)
      return updateRow(cache, c.table, c.id, forward ? c.after : c.before, error);
    if ((c.kind == K::kInsert) == forward)
      return insertRow(cache, c.table, c.id, forward ? c.after : c.before, error);
    return deleteRow(cache, c.table, c.id, error);
  };
  return inTransaction(
      [&] {
        if (forward) {
          for (const RowChange& c : m_changes)
            if (!step(c)) return false;
        } else {
          for (auto it = m_changes.rbegin(); it != m_changes.rend(); ++it)
            if (!step(*it)) return false;
        }
        return true;
      },
      error);
}

bool CommandStack::push(std::unique_ptr<EditCommand> command, QString* error) {
  if (!command->redo(error)) return false;
  m_commands.resize(m_index);
  m_commands.push_back(std::move(command));
  m_index = m_commands.size();
  return true;
}

bool CommandStack::undo(QString* error) {
  if (!canUndo()) return setError(error, QStringLiteral("nothing to undo"));
  if (!m_commands[m_index - 1]->undo(error)) return false;
  --m_index;
  return true;
}

bool CommandStack::redo(QString* error) {
  if (!canRedo()) return setError(error, QStringLiteral("nothing to redo"));
  if (!m_commands[m_index]->redo(error)) return false;
  ++m_index;
  return true;
}

namespace edits {

namespace {

const QString kSamples = QStringLiteral("samples");
const QString kSegments = QStringLiteral("segments");
const QString kLabels = QStringLiteral("labels");
const QString kMetadata = QStringLiteral("metadata");

std::unique_ptr<EditCommand> make(DatasetStore* s, QString text, EditCommand::Apply apply) {
  return std::make_unique<EditCommand>(s, std::move(text), std::move(apply));
}

// Ids of the rows a query returns (first column).
bool ids(DatasetStore* s, const QString& sql, const QVariantList& values, QVector<qint64>* out,
         QString* error) {
  QSqlQuery q(s->database());
  q.setForwardOnly(true);
  q.prepare(sql);
  for (const QVariant& v : values) q.addBindValue(v);
  if (!exec(q, QStringLiteral("index"), error)) return false;
  while (q.next()) out->append(q.value(0).toLongLong());
  return true;
}

qint64 existingLabel(DatasetStore* s, const QString& name, QString* error) {
  QVector<qint64> found;
  if (!ids(s, QStringLiteral("SELECT id FROM labels WHERE name = ?"), {name}, &found, error))
    return -1;
  return found.isEmpty() ? 0 : found.first();
}

// The sample's frame count, or -1 with an error naming the sample.
qint64 sampleFrames(RowJournal& j, qint64 sampleId, QString* error) {
  const std::optional<QVariantMap> r = j.row(kSamples, sampleId, error);
  if (!r) return setError(error, QStringLiteral("sample %1: no such sample").arg(sampleId)), -1;
  return r->value(QStringLiteral("frames")).toLongLong();
}

QString contentId(DatasetStore* s, qint64 fileId, qint64 begin, qint64 frames) {
  QSqlQuery q(s->database());
  q.prepare(QStringLiteral("SELECT sha256, frames FROM files WHERE id = ?"));
  q.addBindValue(fileId);
  if (!q.exec() || !q.next()) return {};
  if (begin == 0 && frames == q.value(1).toLongLong()) return q.value(0).toString();
  return QStringLiteral("%1@%2+%3").arg(q.value(0).toString()).arg(begin).arg(frames);
}

QVariantMap segmentRow(qint64 sampleId, qint64 labelId, bool whole, qint64 start, qint64 end) {
  return {{QStringLiteral("sample_id"), sampleId},
          {QStringLiteral("label_id"), labelId},
          {QStringLiteral("whole"), whole ? 1 : 0},
          {QStringLiteral("start_frame"), start},
          {QStringLiteral("end_frame"), end}};
}

// The sample's whole-sample segments carrying label `labelId`.
bool wholeLabels(DatasetStore* s, qint64 sampleId, qint64 labelId, QVector<qint64>* out,
                 QString* error) {
  return ids(
      s,
      QStringLiteral("SELECT id FROM segments WHERE sample_id = ? AND label_id = ? AND whole = 1"),
      {sampleId, labelId}, out, error);
}

}  // namespace

std::unique_ptr<EditCommand> labelSample(DatasetStore* s, qint64 sampleId, const QString& label) {
  return make(s, QStringLiteral("Label sample %1 '%2'").arg(sampleId).arg(label),
              [=](RowJournal& j, QString* error) {
                if (sampleFrames(j, sampleId, error) < 0) return false;
                const qint64 l = j.labelId(label, error);
                QVector<qint64> have;
                if (l == 0 || !wholeLabels(s, sampleId, l, &have, error)) return false;
                if (!have.isEmpty())
                  return setError(
                      error,
                      QStringLiteral("sample %1: already labelled '%2'").arg(sampleId).arg(label));
                return j.insert(kSegments, segmentRow(sampleId, l, true, 0, 0), error) != 0;
              });
}

std::unique_ptr<EditCommand> unlabelSample(DatasetStore* s, qint64 sampleId, const QString& label) {
  return make(s, QStringLiteral("Remove label '%2' from sample %1").arg(sampleId).arg(label),
              [=](RowJournal& j, QString* error) {
                const qint64 l = existingLabel(s, label, error);
                QVector<qint64> have;
                if (l < 0 || !wholeLabels(s, sampleId, l, &have, error)) return false;
                if (have.isEmpty())
                  return setError(
                      error,
                      QStringLiteral("sample %1: has no label '%2'").arg(sampleId).arg(label));
                for (qint64 id : have)
                  if (!j.remove(kSegments, id, error)) return false;
                return true;
              });
}

std::unique_ptr<EditCommand> addSegment(DatasetStore* s, qint64 sampleId, const QString& label,
                                        qint64 start, qint64 end) {
  return make(s,
              QStringLiteral("Label frames [%1, %2) of sample %3 '%4'")
                  .arg(start)
                  .arg(end)
                  .arg(sampleId)
                  .arg(label),
              [=](RowJournal& j, QString* error) {
                const qint64 frames = sampleFrames(j, sampleId, error);
                if (frames < 0) return false;
                if (start < 0 || end <= start || end > frames)
                  return setError(
                      error,
                      QStringLiteral("sample %1: segment [%2, %3) is not inside its %4 frames")
                          .arg(sampleId)
                          .arg(start)
                          .arg(end)
                          .arg(frames));
                const qint64 l = j.labelId(label, error);
                return l != 0 &&
                       j.insert(kSegments, segmentRow(sampleId, l, false, start, end), error) != 0;
              });
}

std::unique_ptr<EditCommand> addSegments(DatasetStore* s, qint64 sampleId,
                                         const QVector<Segment>& segments) {
  return make(
      s, QStringLiteral("Label sample %1 with %2 segments").arg(sampleId).arg(segments.size()),
      [=](RowJournal& j, QString* error) {
        const qint64 frames = sampleFrames(j, sampleId, error);
        if (frames < 0) return false;
        for (const Segment& seg : segments) {
          if (seg.label.isEmpty() || seg.start < 0 || seg.end < seg.start || seg.end > frames)
            return setError(error, QStringLiteral("sample %1: segment '%2' [%3, %4) is "
                                                  "not inside its %5 frames")
                                       .arg(sampleId)
                                       .arg(seg.label)
                                       .arg(seg.start)
                                       .arg(seg.end)
                                       .arg(frames));
          const qint64 l = j.labelId(seg.label, error);
          if (l == 0 ||
              j.insert(kSegments, segmentRow(sampleId, l, false, seg.start, seg.end), error) == 0)
            return false;
        }
        return true;
      });
}

std::unique_ptr<EditCommand> removeSegment(DatasetStore* s, qint64 segmentId) {
  return make(s, QStringLiteral("Remove segment %1").arg(segmentId),
              [=](RowJournal& j, QString* error) { return j.remove(kSegments, segmentId, error); });
}

std::unique_ptr<EditCommand> renameLabel(DatasetStore* s, const QString& from, const QString& to) {
  return make(s, QStringLiteral("Rename label '%1' to '%2'").arg(from, to),
              [=](RowJournal& j, QString* error) {
                const qint64 f = existingLabel(s, from, error);
                const qint64 t = existingLabel(s, to, error);
                if (f < 0 || t < 0) return false;
                if (f == 0)
                  return setError(error, QStringLiteral("label '%1': no such label").arg(from));
                if (t != 0)
                  return setError(
                      error, QStringLiteral("label '%1': exists already; merge instead").arg(to));
                if (to.trimmed().isEmpty())
                  return setError(error, QStringLiteral("label '': a label is not blank"));
                return j.update(kLabels, f, {{QStringLiteral("name"), to}}, error);
              });
}

std::unique_ptr<EditCommand> mergeLabels(DatasetStore* s, const QString& from,
                                         const QString& into) {
  return make(
      s, QStringLiteral("Merge label '%1' into '%2'").arg(from, into),
      [=](RowJournal& j, QString* error) {
        const qint64 f = existingLabel(s, from, error);
        if (f < 0) return false;
        if (f == 0) return setError(error, QStringLiteral("label '%1': no such label").arg(from));
        if (from == into)
          return setError(error, QStringLiteral("label '%1': cannot merge into itself").arg(from));
        const qint64 t = j.labelId(into, error);
        if (t == 0) return false;
        QVector<qint64> segs;
        if (!ids(s, QStringLiteral("SELECT id FROM segments WHERE label_id = ?"), {f}, &segs,
                 error))
          return false;
        for (qint64 id : segs) {
          const std::optional<QVariantMap> r = j.row(kSegments, id, error);
          if (!r) return false;
          QVector<qint64> same;
          if (!ids(s,
                   QStringLiteral("SELECT id FROM segments WHERE sample_id = ? AND label_id = ? "
                                  "AND whole = ? AND start_frame = ? AND end_frame = ?"),
                   {r->value("sample_id"), t, r->value("whole"), r->value("start_frame"),
                    r->value("end_frame")},
                   &same, error))
            return false;
          if (!(same.isEmpty() ? j.update(kSegments, id, {{QStringLiteral("label_id"), t}}, error)
                               : j.remove(kSegments, id, error)))
            return false;
        }
        return j.remove(kLabels, f, error);
      });
}

std::unique_ptr<EditCommand> deleteLabel(DatasetStore* s, const QString& label) {
  return make(s, QStringLiteral("Delete label '%1'").arg(label),
              [=](RowJournal& j, QString* error) {
                const qint64 l = existingLabel(s, label, error);
                if (l < 0) return false;
                if (l == 0)
                  return setError(error, QStringLiteral("label '%1': no such label").arg(label));
                QVector<qint64> segs;
                if (!ids(s, QStringLiteral("SELECT id FROM segments WHERE label_id = ?"), {l},
                         &segs, error))
                  return false;
                for (qint64 id : segs)
                  if (!j.remove(kSegments, id, error)) return false;
                return j.remove(kLabels, l, error);
              });
}

std::unique_ptr<EditCommand> relabel(DatasetStore* s, const SampleFilter& filter,
                                     const QString& from, const QString& to) {
  const QString text =
      from.isEmpty() ? QStringLiteral("Label matching samples '%1'").arg(to)
                     : QStringLiteral("Relabel '%1' as '%2' on matching samples").arg(from, to);
  return make(s, text, [=](RowJournal& j, QString* error) {
    QVariantList values;
    const QString where = filterWhere(filter, &values);
    const qint64 t = j.labelId(to, error);
    if (t == 0) return false;
    if (!from.isEmpty()) {
      const qint64 f = existingLabel(s, from, error);
      if (f < 0) return false;
      if (f == 0) return setError(error, QStringLiteral("label '%1': no such label").arg(from));
      QVector<qint64> segs;
      values.prepend(f);
      if (!ids(s,
               QStringLiteral("SELECT g.id FROM segments g WHERE g.label_id = ? AND g.sample_id IN "
                              "(SELECT s.id FROM samples s%1)")
                   .arg(where),
               values, &segs, error))
        return false;
      for (qint64 id : segs)
        if (!j.update(kSegments, id, {{QStringLiteral("label_id"), t}}, error)) return false;
      return true;
    }
    QVector<qint64> samples;
    if (!ids(s, QStringLiteral("SELECT s.id FROM samples s%1").arg(where), values, &samples, error))
      return false;
    for (qint64 sample : samples) {
      QVector<qint64> whole;
      if (!ids(s, QStringLiteral("SELECT id FROM segments WHERE sample_id = ? AND whole = 1"),
               {sample}, &whole, error))
        return false;
      for (qint64 id : whole)
        if (!j.remove(kSegments, id, error)) return false;
      if (j.insert(kSegments, segmentRow(sample, t, true, 0, 0), error) == 0) return false;
    }
    return true;
  });
}

std::unique_ptr<EditCommand> splitSample(DatasetStore* s, qint64 sampleId, qint64 at) {
  return make(
      s, QStringLiteral("Split sample %1 at frame %2").arg(sampleId).arg(at),
      [=](RowJournal& j, QString* error) {
        const std::optional<QVariantMap> r = j.row(kSamples, sampleId, error);
        if (!r) return setError(error, QStringLiteral("sample %1: no such sample").arg(sampleId));
        const qint64 frames = r->value("frames").toLongLong();
        const qint64 begin = r->value("begin_frame").toLongLong();
        const qint64 fileId = r->value("file_id").toLongLong();
        if (at <= 0 || at >= frames)
          return setError(error, QStringLiteral("sample %1: split point %2 is not inside (0, %3)")
                                     .arg(sampleId)
                                     .arg(at)
                                     .arg(frames));
        QVariantMap second = *r;
        second.remove(QStringLiteral("id"));
        second.insert(QStringLiteral("begin_frame"), begin + at);
        second.insert(QStringLiteral("frames"), frames - at);
        second.insert(QStringLiteral("content_id"), contentId(s, fileId, begin + at, frames - at));
        second.insert(QStringLiteral("name"), r->value("name").toString() + QStringLiteral(".2"));
        const qint64 secondId = j.insert(kSamples, second, error);
        if (secondId == 0) return false;
        if (!j.update(kSamples, sampleId,
                      {{QStringLiteral("frames"), at},
                       {QStringLiteral("content_id"), contentId(s, fileId, begin, at)}},
                      error))
          return false;
        QVector<qint64> segs, meta;
        if (!ids(s, QStringLiteral("SELECT id FROM segments WHERE sample_id = ?"), {sampleId},
                 &segs, error) ||
            !ids(s, QStringLiteral("SELECT id FROM metadata WHERE sample_id = ?"), {sampleId},
                 &meta, error))
          return false;
        for (qint64 id : segs) {
          const std::optional<QVariantMap> g = j.row(kSegments, id, error);
          if (!g) return false;
          const qint64 label = g->value("label_id").toLongLong();
          const qint64 a = g->value("start_frame").toLongLong(),
                       b = g->value("end_frame").toLongLong();
          bool ok = true;
          if (g->value("whole").toInt() != 0)
            ok = j.insert(kSegments, segmentRow(secondId, label, true, 0, 0), error) != 0;
          else if (a >= at)
            ok = j.update(kSegments, id,
                          {{QStringLiteral("sample_id"), secondId},
                           {QStringLiteral("start_frame"), a - at},
                           {QStringLiteral("end_frame"), b - at}},
                          error);
          else if (b > at)
            ok = j.update(kSegments, id, {{QStringLiteral("end_frame"), at}}, error) &&
                 j.insert(kSegments, segmentRow(secondId, label, false, 0, b - at), error) != 0;
          if (!ok) return false;
        }
        for (qint64 id : meta) {
          std::optional<QVariantMap> m = j.row(kMetadata, id, error);
          if (!m) return false;
          m->remove(QStringLiteral("id"));
          m->insert(QStringLiteral("sample_id"), secondId);
          if (j.insert(kMetadata, *m, error) == 0) return false;
        }
        return true;
      });
}

std::unique_ptr<EditCommand> trimSample(DatasetStore* s, qint64 sampleId, qint64 newBegin,
                                        qint64 newEnd) {
  return make(
      s, QStringLiteral("Trim sample %1 to [%2, %3)").arg(sampleId).arg(newBegin).arg(newEnd),
      [=](RowJournal& j, QString* error) {
        const std::optional<QVariantMap> r = j.row(kSamples, sampleId, error);
        if (!r) return setError(error, QStringLiteral("sample %1: no such sample").arg(sampleId));
        const qint64 frames = r->value("frames").toLongLong();
        const qint64 begin = r->value("begin_frame").toLongLong();
        if (newBegin < 0 || newEnd <= newBegin || newEnd > frames)
          return setError(error,
                          QStringLiteral("sample %1: [%2, %3) is not a range inside its %4 frames")
                              .arg(sampleId)
                              .arg(newBegin)
                              .arg(newEnd)
                              .arg(frames));
        const qint64 fileId = r->value("file_id").toLongLong();
        if (!j.update(kSamples, sampleId,
                      {{QStringLiteral("begin_frame"), begin + newBegin},
                       {QStringLiteral("frames"), newEnd - newBegin},
                       {QStringLiteral("content_id"),
                        contentId(s, fileId, begin + newBegin, newEnd - newBegin)}},
                      error))
          return false;
        QVector<qint64> segs;
        if (!ids(s, QStringLiteral("SELECT id FROM segments WHERE sample_id = ? AND whole = 0"),
                 {sampleId}, &segs, error))
          return false;
        for (qint64 id : segs) {
          const std::optional<QVariantMap> g = j.row(kSegments, id, error);
          if (!g) return false;
          const qint64 a = std::max(g->value("start_frame").toLongLong(), newBegin);
          const qint64 b = std::min(g->value("end_frame").toLongLong(), newEnd);
          const bool ok = b <= a ? j.remove(kSegments, id, error)
                                 : j.update(kSegments, id,
                                            {{QStringLiteral("start_frame"), a - newBegin},
                                             {QStringLiteral("end_frame"), b - newBegin}},
                                            error);
          if (!ok) return false;
        }
        return true;
      });
}

std::unique_ptr<EditCommand> setSplit(DatasetStore* s, const SampleFilter& filter, Split split) {
  return make(s, QStringLiteral("Move matching samples to %1").arg(splitName(split)),
              [=](RowJournal& j, QString* error) {
                QVariantList values;
                QVector<qint64> samples;
                const QString where = filterWhere(filter, &values);
                values.append(int(split));
                if (!ids(s,
                         QStringLiteral("SELECT s.id FROM samples s%1%2s.split != ?")
                             .arg(where, where.isEmpty() ? QStringLiteral(" WHERE ")
                                                         : QStringLiteral(" AND ")),
                         values, &samples, error))
                  return false;
                for (qint64 id : samples)
                  if (!j.update(kSamples, id, {{QStringLiteral("split"), int(split)}}, error))
                    return false;
                return true;
              });
}

std::unique_ptr<EditCommand> assignSplit(DatasetStore* s, const SampleFilter& filter,
                                         double testRatio, bool reassign) {
  return make(
      s, QStringLiteral("Split matching samples %1% test").arg(testRatio * 100),
      [=](RowJournal& j, QString* error) {
        if (!(testRatio >= 0 && testRatio <= 1))
          return setError(error, QStringLiteral("test ratio %1 is not in [0, 1]").arg(testRatio));
        QVariantList values;
        QSqlQuery q(s->database());
        q.setForwardOnly(true);
        q.prepare(
            QStringLiteral(
                "SELECT s.id, s.content_id, s.split, (SELECT min(l.name) FROM segments g JOIN "
                "labels l ON l.id = g.label_id WHERE g.sample_id = s.id) FROM samples s%1")
                .arg(filterWhere(filter, &values)));
        for (const QVariant& v : values) q.addBindValue(v);
        if (!exec(q, kSamples, error)) return false;
        struct Item {
          qint64 id;
          QByteArray key;
          int split;  // 0 when reassigning
          int old;
        };
        QHash<QString, std::vector<Item>> groups;
        while (q.next())
          groups[q.value(3).toString()].push_back(
              {q.value(0).toLongLong(),
               QCryptographicHash::hash(q.value(1).toString().toUtf8(), QCryptographicHash::Sha256),
               reassign ? 0 : q.value(2).toInt(), q.value(2).toInt()});
        QStringList labels = groups.keys();
        labels.sort();
        for (const QString& label : labels) {
          std::vector<Item>& items = groups[label];
          std::sort(items.begin(), items.end(),
                    [](const Item& a, const Item& b) { return a.key < b.key; });
          const qint64 target = std::llround(double(items.size()) * testRatio);
          qint64 tests =
              std::count_if(items.begin(), items.end(), [](const Item& i) { return i.split == 2; });
          for (const Item& i : items) {
            if (i.split != 0) continue;
            const int split = tests < target ? 2 : 1;
            if (split == 2) ++tests;
            if (split == i.old) continue;
            const QVariantMap before{{QStringLiteral("split"), i.old}};
            if (!j.update(kSamples, i.id, {{QStringLiteral("split"), split}}, error, &before))
              return false;
          }
        }
        return true;
      });
}

}  // namespace edits

}  // namespace tinyscope::dataset
