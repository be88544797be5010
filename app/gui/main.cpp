// tinyscope: the desktop workbench.
#include <QApplication>

#include "app/core/version.h"
#include "app/gui/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("tinyscope"));
  QApplication::setApplicationVersion(QString::fromLatin1(tinyscope::kVersion));
  QApplication::setOrganizationName(QStringLiteral("tinyscope"));

  tinyscope::ui::MainWindow window;
  window.show();
  return app.exec();
}
