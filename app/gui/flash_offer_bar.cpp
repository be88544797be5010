#include "app/gui/flash_offer_bar.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

#include "app/core/device/device_compatibility.h"
#include "app/core/device/device_values.h"
#include "app/core/device/model_image_file.h"

namespace tinyscope::ui {

FlashOfferBar::FlashOfferBar(QWidget* parent)
    : QFrame(parent),
      m_text(new QLabel),
      m_flash(new QPushButton(tr("Flash to device"))),
      m_dismiss(new QPushButton(tr("Dismiss"))) {
  setObjectName(QStringLiteral("flashOffer"));
  setFrameShape(QFrame::StyledPanel);
  setStyleSheet(QStringLiteral("#flashOffer { background: #fff6d5; }"));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(6, 2, 6, 2);
  m_text->setWordWrap(true);
  m_text->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  m_text->setMinimumWidth(100);
  layout->addWidget(m_text, 1);
  layout->addWidget(m_flash);
  layout->addWidget(m_dismiss);
  m_flash->setToolTip(tr("Flash the model from the Flash view into the slot that is not active"));
  connect(m_flash, &QPushButton::clicked, this, [this] {
    const QString path = m_modelPath;
    withdraw();
    Q_EMIT flashRequested(path);
  });
  connect(m_dismiss, &QPushButton::clicked, this, &FlashOfferBar::withdraw);
  hide();
}

void FlashOfferBar::offer(const QString& modelPath, const QByteArray& modelBytes,
                          const QString& address, const DeviceInfo& device) {
  const QString name = QFileInfo(modelPath).fileName();
  ModelImageFile image;
  QString error;
  QStringList problems;
  if (!loadModelImage(modelBytes, QString(), modelPath, &image, &error))
    problems << error;
  else
    problems = deviceCompatibilityProblems(device.hello, image.header, 0, 0);
  m_modelPath = problems.isEmpty() ? modelPath : QString();
  m_flash->setVisible(problems.isEmpty());
  m_text->setText(problems.isEmpty()
                      ? tr("%1 runs another model. Flash %2 to it? Pre-flight passed: its "
                           "operators, arena and firmware fit.")
                            .arg(address, name)
                      : describeIncompatibility(address, name, problems));
  m_text->setToolTip(m_text->text());
  show();
}

void FlashOfferBar::withdraw() {
  m_modelPath.clear();
  hide();
}

QString FlashOfferBar::text() const {
  return isHidden() ? QString() : m_text->text();
}

}  // namespace tinyscope::ui
