// Device ▸ Listen in the window: espeak-ng says "yes" into a WAV, the simulated device (the real
// host agent, sensor=audio&wav=FILE, the front-end in a slot) runs audio_preprocessor_int8 and
// micro_speech_quantized on what it hears (RunPipeline); the window shows the word and the
// whole pipeline's comparison with the desktop, and names the first divergent op when the
// agent's MUL kernel is faulty. Skips without ../shared's models or espeak-ng/sox.
#include <gtest/gtest.h>

#include <QFileInfo>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/core/log_model.h"
#include "app/core/workbench.h"
#include "app/gui/main_window.h"
#include "app/gui/model_view.h"
#include "tests/support/kws_audio.h"

using namespace tinyscope;

namespace {

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);

struct Listened {
  ListenResult result;
  QString modelViewText, prediction, lastLog;
};

// Opens the KWS model in a fresh window, connects to the simulator hearing `wav` (plus
// `extra` address parameters), presses the Model view's Listen and waits for the result.
Listened listenInWindow(const QTemporaryDir& dir, const KwsModels& m, const QString& wav,
                        const QString& extra) {
  Listened out;
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.filePath("settings"));
  ui::MainWindow window;
  window.resize(1280, 800);
  window.show();
  EXPECT_TRUE(window.openModel(m.model));
  window.connectDevice("sim:?sensor=audio&wav=" + wav + "&front-end=" + m.frontEnd + extra);
  Workbench* wb = window.workbench();
  for (int i = 0; i < 500 && wb->device()->state() != ConnectionState::kStreaming; ++i)
    QTest::qWait(20);
  EXPECT_EQ(wb->device()->state(), ConnectionState::kStreaming);
  QPushButton* listen = nullptr;
  for (QPushButton* b : window.modelView()->findChildren<QPushButton*>())
    if (b->text() == "Listen") listen = b;
  EXPECT_NE(listen, nullptr);
  if (!listen) return out;
  EXPECT_TRUE(listen->isEnabled());
  QSignalSpy reports(wb, &Workbench::listenReport);
  QTest::mouseClick(listen, Qt::LeftButton);
  EXPECT_TRUE(wb->isListening());
  EXPECT_TRUE(window.modelView()->listenText().contains("Listening"));
  if (reports.isEmpty()) EXPECT_TRUE(reports.wait(60000)) << "no listen report";
  if (reports.isEmpty()) return out;
  out.result = reports.takeFirst().at(0).value<ListenResult>();
  out.modelViewText = window.modelView()->listenText();
  out.prediction = window.predictionText();
  LogModel* log = window.logModel();
  out.lastLog = log->entry(log->rowCount() - 1).message;
  EXPECT_FALSE(wb->isListening());
  return out;
}

#define REQUIRE_KWS(dir, models) REQUIRE_KWS_MODELS(kShared, dir, models)

// `result` (a Listened): espeak-ng's "yes" heard in a fresh window from the simulator whose
// address ends in `extra`.
#define LISTEN_TO_YES(result, extra)           \
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT); \
  QTemporaryDir dir;                           \
  KwsModels m;                                 \
  REQUIRE_KWS(dir, m);                         \
  const QString wav = spokenWav(dir, "yes");   \
  ASSERT_FALSE(wav.isEmpty());                 \
  const Listened result = listenInWindow(dir, m, wav, (extra))

}  // namespace

TEST(ListenView, SpokenYesIsHeardOnTheDeviceAndTheWholePipelineEqualsTheDesktop) {
  LISTEN_TO_YES(l, QString());
  ASSERT_TRUE(l.result.error.isEmpty()) << l.result.error.toStdString();
  EXPECT_EQ(l.result.word, "yes");
  EXPECT_TRUE(l.result.compared);
  EXPECT_TRUE(l.result.identical()) << l.result.verdict.toStdString();
  EXPECT_GT(l.result.frontEndTensorsEqual, 0);
  EXPECT_GT(l.result.modelTensorsEqual, 0);
  EXPECT_TRUE(l.modelViewText.contains("<b style='font-size:large'>yes</b>"))
      << l.modelViewText.toStdString();
  EXPECT_TRUE(l.modelViewText.contains("identical")) << l.modelViewText.toStdString();
  EXPECT_TRUE(l.prediction.contains("<b>yes</b>")) << l.prediction.toStdString();
  EXPECT_TRUE(l.lastLog.contains("heard \"yes\"")) << l.lastLog.toStdString();
}

TEST(ListenView, AFaultyMulKernelOnTheDeviceIsNamedAsTheFirstDivergentOp) {
  LISTEN_TO_YES(l, "&fault-op=MUL");
  ASSERT_TRUE(l.result.error.isEmpty()) << l.result.error.toStdString();
  EXPECT_FALSE(l.result.identical());
  EXPECT_TRUE(l.result.firstDivergence.startsWith(
      "front-end audio_preprocessor_int8, window 0, op 15 MUL output 0"))
      << l.result.firstDivergence.toStdString();
  EXPECT_TRUE(l.modelViewText.contains("op 15 MUL")) << l.modelViewText.toStdString();
  EXPECT_TRUE(
      l.lastLog.contains("differs at front-end audio_preprocessor_int8, window 0, op 15 MUL"))
      << l.lastLog.toStdString();
}

TEST(ListenView, AModelWithoutAnAudioRecipeIsNotListenedTo) {
  qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
  QTemporaryDir dir;
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.filePath("settings"));
  ui::MainWindow window;
  window.openModel(
      QStringLiteral(TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite"));
  QString why;
  EXPECT_FALSE(window.workbench()->listen(&why));
  EXPECT_TRUE(why.contains("no audio recipe")) << why.toStdString();
  EXPECT_FALSE(window.workbench()->isListening());
}
