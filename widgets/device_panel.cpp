#include "widgets/device_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace tinyscope::ui {

DevicePanel::DevicePanel(QWidget* parent)
    : QWidget(parent),
      m_address(new QComboBox(this)),
      m_connect(new QPushButton(tr("Connect"), this)),
      m_stateLine(new QLabel(this)),
      m_info(new QLabel(this)),
      m_sensor(new QComboBox(this)),
      m_stream(new QPushButton(tr("Start stream"), this)),
      m_run(new QPushButton(tr("Run inference on device"), this)),
      m_counters(new QLabel(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  auto* row = new QHBoxLayout;
  m_address->setEditable(true);
  m_address->setObjectName(QStringLiteral("deviceAddress"));
  m_address->setToolTip(
      tr("sim:, sim:?sensor=audio, serial:/dev/ttyACM0?baud=921600, tcp:127.0.0.1:5555, "
         "ble:AA:BB:CC:DD:EE:FF"));
  m_address->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  m_address->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_address->setMinimumContentsLength(12);
  m_connect->setObjectName(QStringLiteral("connectButton"));
  m_sensor->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_sensor->setMinimumContentsLength(8);
  row->addWidget(m_address, 1);
  row->addWidget(m_connect);
  layout->addLayout(row);
  m_stateLine->setObjectName(QStringLiteral("connectionState"));
  m_stateLine->setTextFormat(Qt::PlainText);
  m_stateLine->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  layout->addWidget(m_stateLine);
  m_info->setWordWrap(true);
  m_info->setTextFormat(Qt::RichText);
  m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_info);
  auto* streamRow = new QHBoxLayout;
  streamRow->addWidget(new QLabel(tr("Sensor"), this));
  streamRow->addWidget(m_sensor, 1);
  streamRow->addWidget(m_stream);
  layout->addLayout(streamRow);
  layout->addWidget(m_run);
  m_counters->setWordWrap(true);
  m_counters->setObjectName(QStringLiteral("linkCounters"));
  layout->addWidget(m_counters);
  layout->addStretch(1);

  connect(m_connect, &QPushButton::clicked, this, [this] {
    if (m_state != ConnectionState::kDisconnected)
      Q_EMIT disconnectRequested();
    else
      Q_EMIT connectRequested(address());
  });
  connect(m_address->lineEdit(), &QLineEdit::returnPressed, this,
          [this] { Q_EMIT connectRequested(address()); });
  connect(m_stream, &QPushButton::clicked, this,
          [this] { Q_EMIT streamRequested(selectedSensor(), !m_streaming); });
  connect(m_run, &QPushButton::clicked, this, &DevicePanel::runRequested);
  showDisconnected(QString());
  showState(ConnectionState::kDisconnected, QString());
}

void DevicePanel::setAddresses(const QStringList& addresses, const QString& current) {
  m_address->clear();
  m_address->addItems(addresses);
  m_address->setCurrentText(current);
}

QString DevicePanel::address() const {
  return m_address->currentText().trimmed();
}
int DevicePanel::selectedSensor() const {
  return m_sensor->currentData().toInt();
}

void DevicePanel::showState(ConnectionState state, const QString& address) {
  m_state = state;
  const bool live = isLive(state);
  m_connect->setText(state == ConnectionState::kDisconnected ? tr("Connect")
                     : live                                  ? tr("Disconnect")
                                                             : tr("Cancel"));
  m_stateLine->setText(state == ConnectionState::kDisconnected
                           ? tr("State: disconnected")
                           : tr("State: %1 · %2").arg(connectionStateName(state), address));
  m_stateLine->setToolTip(address);
  m_sensor->setEnabled(live && m_agent && m_sensor->count() > 0);
  m_stream->setEnabled(live && m_agent && m_sensor->count() > 0);
  if (!live) m_run->setEnabled(false);
  if (state == ConnectionState::kConnected) setStreaming(false);
  if (state == ConnectionState::kStreaming) setStreaming(true);
}

void DevicePanel::showConnecting(const QString& address) {
  m_info->setText(tr("Connecting to <b>%1</b>…").arg(address.toHtmlEscaped()));
}

void DevicePanel::showConnected(const DeviceInfo& info) {
  const proto::HelloReply& h = info.hello;
  QString slots;
  for (size_t i = 0; i < h.slots.size(); ++i)
    if (h.slots[i].modelSize > 0)
      slots += tr("<br>slot %1: %2 (%3 bytes)%4")
                   .arg(h.slots[i].slot)
                   .arg(info.slotModelNames.value(static_cast<int>(i)).toHtmlEscaped())
                   .arg(h.slots[i].modelSize)
                   .arg(h.slots[i].state == proto::SlotState::kActive ? tr(", active") : QString());
  m_info->setText(tr("<b>%1</b> · firmware %2 · protocol v%3<br>arena %4 bytes%5")
                      .arg(info.boardName.toHtmlEscaped(), info.firmwareVersion.toHtmlEscaped())
                      .arg(h.chosenVersion)
                      .arg(h.arenaBytes)
                      .arg(slots));
  m_sensor->clear();
  for (size_t i = 0; i < h.sensors.size(); ++i) {
    const proto::SensorInfo& s = h.sensors[i];
    m_sensor->addItem(tr("%1 (%2 ch, %3 Hz)")
                          .arg(info.sensorNames.value(static_cast<int>(i)))
                          .arg(s.axes)
                          .arg(s.rateMilliHz / 1000.0),
                      s.sensorId);
  }
  const bool agent = h.chosenVersion != 0;  // 0: a text-mode board with no agent
  m_agent = agent;
  if (!agent)
    m_info->setText(tr("<b>Text mode</b>: %1 channel(s) of numbers per line, no agent (no "
                       "inference or flashing).")
                        .arg(h.sensors.size() ? h.sensors[0].axes : 0));
  m_sensor->setEnabled(agent && h.sensors.size() > 0);
  m_stream->setEnabled(agent && h.sensors.size() > 0);
}

void DevicePanel::showDisconnected(const QString& reason) {
  m_streaming = false;
  m_agent = false;
  m_info->setText(
      reason.isEmpty()
          ? tr("Not connected. Type an address or pick one, then Connect.")
          : QStringLiteral("<span style='color:#cf222e'>%1</span>").arg(reason.toHtmlEscaped()));
  m_sensor->clear();
  m_sensor->setEnabled(false);
  m_stream->setEnabled(false);
  m_stream->setText(tr("Start stream"));
  m_run->setEnabled(false);
  m_counters->clear();
}

void DevicePanel::setStreaming(bool on) {
  m_streaming = on;
  m_stream->setText(on ? tr("Stop stream") : tr("Start stream"));
}

void DevicePanel::setRunEnabled(bool enabled, const QString& why) {
  m_run->setEnabled(enabled);
  m_run->setToolTip(why);
}

void DevicePanel::showStatus(const LinkStatus& s, quint64 droppedInGui) {
  if (s.textMode) {
    m_counters->setText(tr("%1 samples · %2 Hz (measured from arrival times)\n%3 non-numeric lines "
                           "· GUI dropped %4")
                            .arg(s.stream.samples)
                            .arg(s.rateHz > 0 ? QStringLiteral("%1 ± %2")
                                                    .arg(s.rateHz, 0, 'f', 2)
                                                    .arg(s.rateUncertaintyHz, 0, 'f', 2)
                                              : QStringLiteral("–"))
                            .arg(s.textLines)
                            .arg(droppedInGui));
    return;
  }
  const double sampleRateHz = s.rateHz;
  const quint64 frameErrors = s.link.frames.crcErrors + s.link.frames.cobsErrors +
                              s.link.frames.tooShort + s.link.frames.overflows;
  m_counters->setText(
      tr("%1 windows · %2 samples · %3 Hz\ngaps %4 · overruns %5 · CRC errors %6 · frame errors %7 "
         "· lost %8 · GUI dropped %9")
          .arg(s.stream.windows)
          .arg(s.stream.samples)
          .arg(sampleRateHz > 0 ? QString::number(sampleRateHz, 'f', 1) : QStringLiteral("–"))
          .arg(tr("%1 windows, %2 samples lost in the device")
                   .arg(s.stream.missingWindows)
                   .arg(s.stream.lostSamples))
          .arg(s.stream.overrunsReported)
          .arg(s.link.frames.crcErrors)
          .arg(frameErrors)
          .arg(s.link.lostMessages)
          .arg(droppedInGui));
}

}  // namespace tinyscope::ui
