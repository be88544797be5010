// ProcessTransport with /bin/cat as the device: every byte written comes back.
#include <gtest/gtest.h>

#include <QSignalSpy>

#include "device_protocol/host/process_transport.h"

using tinyscope::link::ProcessTransport;

TEST(ProcessTransport, ChildProcessIsTheLink) {
  ProcessTransport t("sim:", "/bin/cat", {});
  QSignalSpy opened(&t, &ProcessTransport::opened);
  QSignalSpy rx(&t, &ProcessTransport::bytesReceived);
  t.open();
  if (opened.isEmpty()) ASSERT_TRUE(opened.wait(5000));
  QByteArray sent;
  for (int i = 0; i < 50000; ++i) sent.append(static_cast<char>(i));
  ASSERT_TRUE(t.write(sent));
  QByteArray got;
  for (int i = 0; i < 100 && got.size() < sent.size(); ++i) {
    rx.wait(50);
    got.clear();
    for (const auto& a : rx) got += a.at(0).toByteArray();
  }
  EXPECT_EQ(got, sent);
  QSignalSpy err(&t, &ProcessTransport::errorOccurred);
  t.close();
  EXPECT_FALSE(t.isOpen());
  EXPECT_EQ(err.count(), 0);  // a requested close is not an error
}

TEST(ProcessTransport, CrashOrExitIsReported) {
  ProcessTransport t("sim:", "/bin/sh", {"-c", "echo starting >&2; exit 3"});
  QSignalSpy err(&t, &ProcessTransport::errorOccurred);
  QSignalSpy diag(&t, &ProcessTransport::diagnosticLine);
  QSignalSpy closed(&t, &ProcessTransport::closed);
  t.open();
  if (closed.isEmpty()) ASSERT_TRUE(closed.wait(5000));
  ASSERT_EQ(err.count(), 1);
  EXPECT_EQ(err.at(0).at(0).toString(),
            "sim:: the device process exited with code 3 (it said: starting)");
  ASSERT_EQ(diag.count(), 1);
  EXPECT_EQ(diag.at(0).at(0).toString(), "starting");
}

TEST(ProcessTransport, MissingProgramIsOneClearError) {
  ProcessTransport t("sim:", "/nonexistent/tinyscope-agent", {});
  QSignalSpy err(&t, &ProcessTransport::errorOccurred);
  QSignalSpy closed(&t, &ProcessTransport::closed);
  t.open();
  if (closed.isEmpty()) ASSERT_TRUE(closed.wait(5000));
  ASSERT_EQ(err.count(), 1);
  EXPECT_TRUE(err.at(0).at(0).toString().contains("cannot start '/nonexistent/tinyscope-agent'"));
}
