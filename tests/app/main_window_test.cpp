#include <gtest/gtest.h>

#include <QDockWidget>
#include <QMenuBar>
#include <QPixmap>
#include <QSet>
#include <QStatusBar>

#include "app/core/log_model.h"
#include "app/gui/main_window.h"

using tinyscope::ui::MainWindow;

TEST(MainWindow, HasTheWorkbenchDocksMenusAndStatusBar) {
  MainWindow window;
  window.show();
  for (const char* name : {"deviceDock", "datasetDock", "modelDock", "profilerDock", "compareDock", "logDock"}) {
    QDockWidget* d = window.dock(QString::fromLatin1(name));
    ASSERT_NE(d, nullptr) << name;
    EXPECT_NE(d->widget(), nullptr) << name;
  }
  QStringList menus;
  for (QAction* a : window.menuBar()->actions()) menus << a->text().remove('&');
  EXPECT_TRUE(menus.contains("File"));
  EXPECT_TRUE(menus.contains("View"));
  EXPECT_TRUE(menus.contains("Help"));
  EXPECT_GE(window.logModel()->rowCount(), 1);  // the start-up line
}

TEST(MainWindow, RendersOffscreen) {
  MainWindow window;
  window.resize(1024, 700);
  window.show();
  const QPixmap shot = window.grab();
  ASSERT_FALSE(shot.isNull());
  EXPECT_EQ(shot.width(), 1024);
  // Not a blank image: the window paints text and frames in more than one colour.
  const QImage img = shot.toImage();
  QSet<QRgb> colours;
  for (int y = 0; y < img.height(); y += 7)
    for (int x = 0; x < img.width(); x += 7) colours.insert(img.pixel(x, y));
  EXPECT_GT(colours.size(), 3);
}
