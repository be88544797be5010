#include "app/gui/exchange_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace tinyscope::ui {

namespace {

using dataset::ExchangeFormat;

struct FormatChoice {
  ExchangeFormat format;
  const char* text;
};

constexpr FormatChoice kImportFormats[] = {
    {ExchangeFormat::kAuto, "Automatic (by extension and content)"},
    {ExchangeFormat::kEiJson, "Edge Impulse JSON"},
    {ExchangeFormat::kEiCbor, "Edge Impulse CBOR"},
    {ExchangeFormat::kEiFolder, "Edge Impulse export folder (info.labels)"},
    {ExchangeFormat::kCsv, "CSV (tinyscope or Edge Impulse)"},
    {ExchangeFormat::kWav, "WAV / FLAC"},
};
constexpr FormatChoice kExportFormats[] = {
    {ExchangeFormat::kEiJson, "Edge Impulse JSON"},
    {ExchangeFormat::kEiCbor, "Edge Impulse CBOR"},
    {ExchangeFormat::kEiFolder, "Edge Impulse export folder (info.labels)"},
    {ExchangeFormat::kCsv, "CSV (tinyscope: µs timestamps, one column per axis)"},
    {ExchangeFormat::kEiCsv, "CSV (Edge Impulse: ms timestamps)"},
    {ExchangeFormat::kWav, "WAV"},
    {ExchangeFormat::kAudacity, "WAV + Audacity label track (.txt)"},
    {ExchangeFormat::kTextGrid, "WAV + Praat TextGrid"},
};

}  // namespace

ExchangeDialog::ExchangeDialog(Mode mode, const QStringList& labels, int selected, QWidget* parent)
    : QDialog(parent),
      m_mode(mode),
      m_path(new QLineEdit(this)),
      m_format(new QComboBox(this)),
      m_hmac(new QLineEdit(this)) {
  const bool import = mode == Mode::kImport;
  setWindowTitle(import ? tr("Import samples") : tr("Export samples"));
  auto* form = new QFormLayout(this);
  auto* pathRow = new QHBoxLayout;
  m_path->setObjectName(QStringLiteral("exchangePath"));
  m_path->setPlaceholderText(import ? tr("files or a folder (several files: separated by ;)")
                                    : tr("output folder"));
  m_path->setMinimumWidth(320);
  pathRow->addWidget(m_path, 1);
  if (import) {
    auto* files = new QPushButton(tr("Files…"), this);
    connect(files, &QPushButton::clicked, this, [this] { browse(false); });
    pathRow->addWidget(files);
  }
  auto* folder = new QPushButton(tr("Folder…"), this);
  connect(folder, &QPushButton::clicked, this, [this] { browse(true); });
  pathRow->addWidget(folder);
  form->addRow(import ? tr("From:") : tr("To:"), pathRow);

  m_format->setObjectName(QStringLiteral("exchangeFormat"));
  if (import)
    for (const FormatChoice& c : kImportFormats) m_format->addItem(tr(c.text), int(c.format));
  else
    for (const FormatChoice& c : kExportFormats) m_format->addItem(tr(c.text), int(c.format));
  form->addRow(tr("Format:"), m_format);

  if (import) {
    m_label = new QComboBox(this);
    m_label->setObjectName(QStringLiteral("exchangeLabel"));
    m_label->setEditable(true);
    m_label->addItem(QString());
    m_label->addItems(labels);
    m_label->setCurrentIndex(0);
    m_label->setToolTip(tr("Empty: each file's own label (Edge Impulse's file-name rule)"));
    form->addRow(tr("Label:"), m_label);
    m_split = new QComboBox(this);
    m_split->setObjectName(QStringLiteral("exchangeSplit"));
    m_split->addItem(tr("From the files (training/testing)"), -1);
    for (dataset::Split s :
         {dataset::Split::kTrain, dataset::Split::kTest, dataset::Split::kUnassigned})
      m_split->addItem(dataset::splitName(s), int(s));
    form->addRow(tr("Split:"), m_split);
  } else {
    m_scope = new QComboBox(this);
    m_scope->setObjectName(QStringLiteral("exchangeScope"));
    if (selected > 0)
      m_scope->addItem(tr("The %n selected sample(s)", nullptr, selected), int(Scope::kSelected));
    m_scope->addItem(tr("The samples listed (current filters)"), int(Scope::kListed));
    m_scope->addItem(tr("All samples"), int(Scope::kAll));
    form->addRow(tr("Samples:"), m_scope);
  }
  m_hmac->setObjectName(QStringLiteral("exchangeHmacKey"));
  m_hmac->setEchoMode(QLineEdit::Password);
  m_hmac->setPlaceholderText(import ? tr("optional: signed Edge Impulse files must verify")
                                    : tr("optional: sign Edge Impulse files"));
  form->addRow(tr("HMAC key:"), m_hmac);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(import ? tr("Import") : tr("Export"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
  connect(m_path, &QLineEdit::textChanged, this, [this, buttons] {
    buttons->button(QDialogButtonBox::Ok)->setEnabled(!paths().isEmpty());
  });
  buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
}

void ExchangeDialog::browse(bool folder) {
  QStringList chosen;
  if (folder) {
    const QString dir = QFileDialog::getExistingDirectory(this, windowTitle(), m_path->text());
    if (!dir.isEmpty()) chosen << dir;
  } else {
    chosen = QFileDialog::getOpenFileNames(
        this, windowTitle(), QString(),
        tr("Samples (*.json *.cbor *.csv *.wav *.flac);;All files (*)"));
  }
  if (chosen.isEmpty()) return;
  for (QString& p : chosen) p = QDir::toNativeSeparators(p);
  m_path->setText(chosen.join(QLatin1Char(';')));
}

QStringList ExchangeDialog::paths() const {
  QStringList out;
  for (const QString& p : m_path->text().split(QLatin1Char(';'), Qt::SkipEmptyParts))
    if (!p.trimmed().isEmpty()) out << QDir::fromNativeSeparators(p.trimmed());
  if (m_mode == Mode::kExport && out.size() > 1) out = out.mid(0, 1);
  return out;
}

dataset::ImportOptions ExchangeDialog::importOptions() const {
  dataset::ImportOptions o;
  o.format = static_cast<ExchangeFormat>(m_format->currentData().toInt());
  if (m_label) o.label = m_label->currentText().trimmed();
  if (m_split && m_split->currentData().toInt() >= 0) {
    o.hasSplit = true;
    o.split = static_cast<dataset::Split>(m_split->currentData().toInt());
  }
  o.hmacKey = m_hmac->text();
  return o;
}

dataset::ExportOptions ExchangeDialog::exportOptions() const {
  dataset::ExportOptions o;
  o.format = static_cast<ExchangeFormat>(m_format->currentData().toInt());
  o.hmacKey = m_hmac->text();
  return o;
}

ExchangeDialog::Scope ExchangeDialog::scope() const {
  return m_scope ? static_cast<Scope>(m_scope->currentData().toInt()) : Scope::kAll;
}

}  // namespace tinyscope::ui
