#include "app/gui/flash_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "app/core/device/device_controller.h"
#include "app/core/device/slot_controller.h"
#include "app/core/log_model.h"

namespace tinyscope::ui {

FlashView::FlashView(DeviceController* device, LogModel* log, QWidget* parent)
    : QWidget(parent),
      m_device(device),
      m_log(log),
      m_slots(new SlotController(device, this)),
      m_deviceLabel(new QLabel),
      m_table(new QTableView),
      m_path(new QLineEdit),
      m_browse(new QPushButton(tr("Browse…"))),
      m_slotChoice(new QComboBox),
      m_confirmAfter(new QCheckBox(tr("Confirm at once (skip test state)"))),
      m_flash(new QPushButton(tr("Flash"))),
      m_progress(new QProgressBar),
      m_stage(new QLabel),
      m_cancel(new QPushButton(tr("Cancel"))),
      m_test(new QPushButton(tr("Test"))),
      m_confirm(new QPushButton(tr("Confirm"))),
      m_rollback(new QPushButton(tr("Rollback"))),
      m_reset(new QPushButton(tr("Reset"))),
      m_status(new QLabel) {
  setObjectName(QStringLiteral("flashView"));
  // Left: the slots. Right: flashing a file and the slot commands, compact enough for a dock
  // a quarter of the window high.
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* left = new QVBoxLayout;
  m_deviceLabel->setObjectName(QStringLiteral("flashDevice"));
  m_deviceLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  left->addWidget(m_deviceLabel);
  m_table->setObjectName(QStringLiteral("slotTable"));
  m_table->setModel(m_slots->slotTable());
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_table->setSelectionMode(QAbstractItemView::SingleSelection);
  m_table->verticalHeader()->hide();
  m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
  m_table->setTextElideMode(Qt::ElideMiddle);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setSectionResizeMode(SlotTableModel::kModelColumn,
                                                    QHeaderView::Stretch);
  m_table->hideColumn(SlotTableModel::kCapacityColumn);  // in the Bytes column's tooltip
  left->addWidget(m_table, 1);
  m_status->setObjectName(QStringLiteral("flashStatus"));
  m_status->setWordWrap(true);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  left->addWidget(m_status);
  layout->addLayout(left, 1);

  auto* form = new QWidget;
  form->setMaximumWidth(310);
  auto* right = new QGridLayout(form);
  right->setContentsMargins(0, 0, 0, 0);
  right->setVerticalSpacing(4);
  m_path->setObjectName(QStringLiteral("flashModelPath"));
  m_path->setPlaceholderText(tr("Model file (.tflite or model image)"));
  m_path->setMinimumWidth(120);
  right->addWidget(new QLabel(tr("Model")), 0, 0);
  right->addWidget(m_path, 0, 1);
  right->addWidget(m_browse, 0, 2);
  right->addWidget(new QLabel(tr("Slot")), 1, 0);
  m_slotChoice->setObjectName(QStringLiteral("flashSlot"));
  m_slotChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  right->addWidget(m_slotChoice, 1, 1, Qt::AlignLeft);
  m_flash->setObjectName(QStringLiteral("flashButton"));
  right->addWidget(m_flash, 1, 2);
  m_confirmAfter->setToolTip(
      tr("Off: the new model runs in test state after its self-test; Confirm keeps it, a reset "
         "or Rollback returns to the model before."));
  right->addWidget(m_confirmAfter, 2, 1, 1, 2);
  m_progress->setObjectName(QStringLiteral("flashProgress"));
  m_progress->setRange(0, 100);
  m_progress->setValue(0);
  right->addWidget(m_progress, 3, 0, 1, 2);
  m_cancel->setObjectName(QStringLiteral("flashCancel"));
  right->addWidget(m_cancel, 3, 2);
  m_stage->setObjectName(QStringLiteral("flashStage"));
  m_stage->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  right->addWidget(m_stage, 4, 0, 1, 3);
  auto* commands = new QHBoxLayout;
  commands->setSpacing(2);
  for (QPushButton* b : {m_test, m_confirm, m_rollback, m_reset}) {
    b->setMinimumWidth(40);
    commands->addWidget(b);
  }
  right->addLayout(commands, 5, 0, 1, 3);
  right->setRowStretch(6, 1);
  right->setColumnStretch(1, 1);
  layout->addWidget(form);

  connect(m_browse, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Model to Flash"),
                                                      QFileInfo(m_path->text()).absolutePath(),
                                                      tr("Models (*.tflite *.bin);;All files (*)"));
    if (!path.isEmpty()) setModelPath(path);
  });
  connect(m_path, &QLineEdit::textChanged, this, &FlashView::updateEnabled);
  connect(m_flash, &QPushButton::clicked, this, &FlashView::startFlash);
  connect(m_cancel, &QPushButton::clicked, this, &FlashView::cancelWork);
  connect(m_test, &QPushButton::clicked, this,
          [this] { runCommand(static_cast<int>(SlotController::Command::kTest)); });
  connect(m_confirm, &QPushButton::clicked, this,
          [this] { runCommand(static_cast<int>(SlotController::Command::kConfirm)); });
  connect(m_rollback, &QPushButton::clicked, this,
          [this] { runCommand(static_cast<int>(SlotController::Command::kRollback)); });
  connect(m_reset, &QPushButton::clicked, this,
          [this] { runCommand(static_cast<int>(SlotController::Command::kReset)); });
  connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &FlashView::updateEnabled);

  connect(m_slots, &SlotController::slotsChanged, this, [this] {
    fillSlotChoice();
    updateEnabled();
  });
  connect(m_slots, &SlotController::busyChanged, this, &FlashView::updateEnabled);
  connect(m_slots, &SlotController::flashProgress, this, [this](quint32 offset, quint32 total) {
    if (total == 0) return;
    m_progress->setValue(static_cast<int>(100.0 * offset / total));
    Q_EMIT workProgress(offset, total);
  });
  connect(m_slots, &SlotController::flashStage, this, [this](const QString& what) {
    m_stage->setText(what);
    m_stage->setToolTip(what);
  });
  connect(m_slots, &SlotController::flashFinished, this, [this](bool ok, const QString& message) {
    m_stage->clear();
    if (ok) m_progress->setValue(100);
    showStatus(ok ? tr("Flashed %1").arg(message) : message, !ok);
    logLine(ok ? 1 : 3, ok ? tr("flashed %1").arg(message) : message);
    Q_EMIT workEnded();
  });
  connect(m_slots, &SlotController::commandFinished, this, [this](bool ok, const QString& message) {
    showStatus(message, !ok);
    logLine(ok ? 1 : 3, message);
  });
  connect(device, &DeviceController::stateChanged, this, [this] {
    if (!m_slots->deviceReady()) fillSlotChoice();
    updateEnabled();
  });
  fillSlotChoice();
  updateEnabled();
}

FlashView::~FlashView() = default;

QString FlashView::modelPath() const {
  return m_path->text();
}

void FlashView::setModelPath(const QString& path) {
  m_path->setText(path);
}

void FlashView::setTargetSlot(int slot) {
  const int i = m_slotChoice->findData(slot);
  if (i >= 0) m_slotChoice->setCurrentIndex(i);
}

int FlashView::targetSlot() const {
  return m_slotChoice->currentIndex() >= 0 ? m_slotChoice->currentData().toInt() : -1;
}

void FlashView::setConfirmAfterFlash(bool on) {
  m_confirmAfter->setChecked(on);
}

QString FlashView::statusText() const {
  return m_status->text();
}

int FlashView::selectedSlot() const {
  const QModelIndexList rows = m_table->selectionModel()->selectedRows();
  return rows.isEmpty() ? -1 : rows.first().data(SlotTableModel::kSlotRole).toInt();
}

void FlashView::fillSlotChoice() {
  const int keep = targetSlot();
  m_slotChoice->clear();
  int preferred = -1;  // A/B: the first slot that is not the active one
  for (const SlotRow& r : m_slots->slotTable()->rows()) {
    m_slotChoice->addItem(tr("%1 (%2)").arg(r.slot).arg(slotStateText(r.state)), r.slot);
    if (preferred < 0 && r.state != proto::SlotState::kActive &&
        r.state != proto::SlotState::kTesting)
      preferred = r.slot;
  }
  if (m_slotChoice->findData(keep) >= 0)
    setTargetSlot(keep);
  else if (preferred >= 0)
    setTargetSlot(preferred);
}

void FlashView::updateEnabled() {
  const bool ready = m_slots->deviceReady();
  const bool busy = m_slots->busy();
  const bool idle = ready && !busy;
  bool testing = false;
  for (const SlotRow& r : m_slots->slotTable()->rows())
    testing = testing || r.state == proto::SlotState::kTesting;
  const SlotRow* selected = m_slots->slotTable()->find(selectedSlot());
  m_flash->setEnabled(idle && !m_path->text().isEmpty() && m_slotChoice->count() > 0);
  m_cancel->setEnabled(m_slots->flashing());
  m_test->setEnabled(idle && selected && selected->state == proto::SlotState::kValid);
  m_confirm->setEnabled(idle && testing);
  m_rollback->setEnabled(idle);
  m_reset->setEnabled(idle);
  m_slotChoice->setEnabled(idle);
  if (!ready) {
    const bool live = isLive(m_device->state());
    m_deviceLabel->setText(live ? tr("This device runs no agent: it has no model slots.")
                                : tr("Connect a device that runs the agent to see its model "
                                     "slots."));
  } else {
    m_deviceLabel->setText(tr("%1 · %n model slot(s)", nullptr, m_slots->slotTable()->rowCount())
                               .arg(m_device->info().boardName));
  }
  m_deviceLabel->setToolTip(m_device->address());
  const QString why = !ready ? tr("Connect a device that runs the agent first.")
                      : busy ? tr("Wait until %1 is done.").arg(m_slots->busyWhat())
                             : QString();
  for (QPushButton* b : {m_flash, m_test, m_confirm, m_rollback, m_reset})
    b->setToolTip(why.isEmpty() ? b->toolTip() : why);
  if (why.isEmpty()) {
    m_flash->setToolTip(tr("Pre-flight, then flash the file into the slot."));
    m_test->setToolTip(tr("Activate the selected valid slot in test state (a reset reverts it)."));
    m_confirm->setToolTip(tr("Keep the model in test state across resets."));
    m_rollback->setToolTip(tr("Return to the model active before the current one."));
    m_reset->setToolTip(tr("Reboot the device: a model not confirmed is reverted."));
  }
}

void FlashView::showStatus(const QString& text, bool error) {
  m_status->setStyleSheet(error ? QStringLiteral("color:#cf222e") : QString());
  m_status->setText(text);
}

void FlashView::logLine(int level, const QString& text) {
  if (!m_log) return;
  m_log->append(level >= 3 ? LogLevel::kError : LogLevel::kInfo, QStringLiteral("flash"), text);
}

void FlashView::startFlash() {
  FlashOptions options;
  const int slot = targetSlot();
  if (slot < 0 || m_path->text().isEmpty()) return;
  options.slot = static_cast<quint8>(slot);
  options.confirm = m_confirmAfter->isChecked();
  const QString path = m_path->text();
  m_progress->setValue(0);
  m_stage->setText(tr("pre-flight"));
  if (!m_slots->flash(path, options)) {
    showStatus(m_slots->deviceReady() ? tr("Wait until %1 is done.").arg(m_slots->busyWhat())
                                      : tr("Connect a device that runs the agent first."),
               true);
    return;
  }
  const QString title = tr("Flashing %1 into slot %2").arg(QFileInfo(path).fileName()).arg(slot);
  showStatus(title + QStringLiteral("…"), false);
  logLine(1, title);
  Q_EMIT workStarted(title);
}

void FlashView::cancelWork() {
  if (!m_slots->busy()) return;
  m_stage->setText(tr("cancelling…"));
  m_slots->cancel();
}

void FlashView::runCommand(int command) {
  const auto c = static_cast<SlotController::Command>(command);
  const int slot = selectedSlot();
  if (!m_slots->runCommand(c, slot)) return;
  showStatus(tr("%1…").arg(SlotController::commandName(c)), false);
}

}  // namespace tinyscope::ui
