// GoogleTest main for tests that need a QApplication (widgets render offscreen).
#include <gtest/gtest.h>

#include <QApplication>
#include <QFile>
#include <QTemporaryDir>

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // sim: keeps its slots in the user's state directory: each test process gets its own.
  QTemporaryDir state;
  if (state.isValid()) qputenv("XDG_STATE_HOME", QFile::encodeName(state.path()));
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
