#pragma once
// FlashOfferBar: the bar above the plot that offers, when a model is opened while a device
// that runs the agent keeps another one, to flash the model to it. The pre-flight (the
// device's operators, arena, firmware and protocol against the model's image header,
// deviceCompatibilityProblems) runs first: a model the device cannot run is not offered, the
// bar says why. Flash hands the model to the Flash view (SlotController: its own pre-flight,
// progress and Cancel) — the one flashing path. Never a dialog; Dismiss hides it.
//
// Thread: GUI thread. Holds no device or file; the window hides it when results go stale.
#include <QFrame>
#include <QStringList>

class QLabel;
class QPushButton;

namespace tinyscope {
struct DeviceInfo;
}

namespace tinyscope::ui {

class FlashOfferBar : public QFrame {
  Q_OBJECT
 public:
  explicit FlashOfferBar(QWidget* parent = nullptr);

  // Runs the pre-flight of `modelBytes` (the .tflite of `modelPath`) against `device`'s
  // handshake and shows the offer, or why the model cannot run there.
  void offer(const QString& modelPath, const QByteArray& modelBytes, const QString& address,
             const DeviceInfo& device);
  void withdraw();
  QString text() const;
  QPushButton* flashButton() const { return m_flash; }
  QPushButton* dismissButton() const { return m_dismiss; }
  QString modelPath() const { return m_modelPath; }

 Q_SIGNALS:
  void flashRequested(const QString& modelPath);

 private:
  QLabel* m_text;
  QPushButton* m_flash;
  QPushButton* m_dismiss;
  QString m_modelPath;
};

}  // namespace tinyscope::ui
