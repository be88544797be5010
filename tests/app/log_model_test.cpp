#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include "app/core/log_model.h"

using tinyscope::LogLevel;
using tinyscope::LogModel;

TEST(LogModel, PassesModelTesterWhileAppendingAndClearing) {
  LogModel model(100);
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.append(LogLevel::kInfo, "sim:", "connected");
  model.append(LogLevel::kError, "serial:/dev/ttyACM0", "device disappeared");
  ASSERT_EQ(model.rowCount(), 2);
  EXPECT_EQ(model.data(model.index(1, LogModel::MessageColumn)).toString(), "device disappeared");
  EXPECT_EQ(model.data(model.index(1, LogModel::LevelColumn)).toString(), "error");
  model.clear();
  EXPECT_EQ(model.rowCount(), 0);
}

TEST(LogModel, BoundedAndCountsDroppedEntries) {
  LogModel model(3);
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  for (int i = 0; i < 5; ++i) model.append(LogLevel::kInfo, "test", QString::number(i));
  ASSERT_EQ(model.rowCount(), 3);
  EXPECT_EQ(model.droppedCount(), 2u);
  EXPECT_EQ(model.entry(0).message, "2");
  EXPECT_EQ(model.entry(2).message, "4");
}

TEST(LogModel, EmitsEntryAdded) {
  LogModel model;
  QSignalSpy spy(&model, &LogModel::entryAdded);
  model.append(LogLevel::kWarning, "runner", "arena nearly full");
  ASSERT_EQ(spy.count(), 1);
  EXPECT_EQ(spy.at(0).at(0).value<tinyscope::LogEntry>().message, "arena nearly full");
}
