// The Model view on real models: the operator table and graph list every operator, a run on
// the simulated device (the real host agent) fills the comparison, a forced divergence
// (sim:?fault-op=NAME) is highlighted in the table and the graph, the heatmap's hover shows a
// cell's quantized and real values on both sides, and an edited recipe round-trips through the
// sidecar. Skips when ../shared's models are absent.
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QHorizontalBarSeries>
#include <cmath>

#include "app/core/inputs/input_recipe.h"
#include "app/core/operator_table_model.h"
#include "app/core/tensor_table_model.h"
#include "app/core/workbench.h"
#include "app/gui/model_view.h"
#include "widgets/model_graph.h"
#include "widgets/score_strip.h"
#include "widgets/signal_plot.h"
#include "widgets/tensor_heatmap.h"

using namespace tinyscope;
using tinyscope::ui::ModelGraph;
using tinyscope::ui::ModelView;
using tinyscope::ui::TensorHeatmap;

namespace {

// The view remembers its tab in QSettings: in a folder of its own, never the user's settings.
QTemporaryDir settingsDir;
const bool kSettingsIsolated = [] {
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
  return settingsDir.isValid();
}();

const QString kShared = QStringLiteral(TINYSCOPE_SHARED_DIR);

QString sharedModel(const char* name) {
  return kShared + QStringLiteral("/models/") + QLatin1String(name) + QStringLiteral(".tflite");
}

#define REQUIRE_MODEL(name)                                                   \
  if (!QFile::exists(sharedModel(name)))                                      \
  GTEST_SKIP() << "../shared is missing (" << sharedModel(name).toStdString() \
               << " not found): the Model view tests need the shared models"

// A folder of its own holding a link to a shared model, so its sidecar can be written.
QString linkModel(const QTemporaryDir& dir, const char* name) {
  const QString link = dir.filePath(QLatin1String(name) + QStringLiteral(".tflite"));
  EXPECT_TRUE(QFile::link(sharedModel(name), link));
  return link;
}

bool waitConnected(Workbench* wb) {
  for (int i = 0; i < 500 && !isLive(wb->device()->state()); ++i) QTest::qWait(20);
  return wb->device()->info().hello.chosenVersion != 0;
}

RunReport runOnce(Workbench* wb, bool device) {
  QSignalSpy reports(wb, &Workbench::runReport);
  EXPECT_TRUE(device ? wb->runOnDevice() : wb->runOnDesktop());
  if (reports.isEmpty()) EXPECT_TRUE(reports.wait(20000)) << "no report";
  if (reports.isEmpty()) return {};
  return reports.takeFirst().at(0).value<RunReport>();
}

// A tensor-file recipe reading the golden input of `name`, saved through the view.
void useGoldenInput(ModelView* view, const char* name) {
  inputs::InputRecipe r;
  r.kind = inputs::InputKind::kTensorFile;
  r.source = kShared + QStringLiteral("/golden/") + QLatin1String(name) +
             QStringLiteral("/seed1/input.bin");
  view->editRecipe(r);
  ASSERT_TRUE(view->saveRecipe()) << view->recipeStatus().toStdString();
}

// kws_ref_model linked into a folder of its own, shown in a ModelView, its golden input as a
// tensor-file recipe saved through the view.
// Both tables are watched by QAbstractItemModelTester through the model change and the runs.
struct KwsOnScreen {
  QTemporaryDir dir;
  Workbench wb;
  ModelView view{&wb};
  QAbstractItemModelTester opsTester{view.operatorModel(),
                                     QAbstractItemModelTester::FailureReportingMode::Fatal};
  QAbstractItemModelTester tensorsTester{view.tensorModel(),
                                         QAbstractItemModelTester::FailureReportingMode::Fatal};
  KwsOnScreen() {
    qputenv("TINYSCOPE_AGENT", TINYSCOPE_AGENT);
    view.resize(700, 800);
    view.show();
  }
  void open() {
    QString error;
    ASSERT_TRUE(wb.loadModel(linkModel(dir, "kws_ref_model"), &error)) << error.toStdString();
    useGoldenInput(&view, "kws_ref_model");
  }
};

}  // namespace

TEST(ModelView, TableAndGraphListEveryOperatorOfTheRealModels) {
  REQUIRE_MODEL("kws_ref_model");
  for (const char* name : {"kws_ref_model", "micro_speech_quantized"}) {
    if (!QFile::exists(sharedModel(name))) continue;
    Workbench wb;
    ModelView view(&wb);
    QAbstractItemModelTester opsTester(view.operatorModel(),
                                       QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester tensorsTester(view.tensorModel(),
                                           QAbstractItemModelTester::FailureReportingMode::Fatal);
    QString error;
    ASSERT_TRUE(wb.loadModel(sharedModel(name), &error)) << error.toStdString();
    const auto& s = wb.modelSummary();
    ASSERT_FALSE(s.operators.empty());
    EXPECT_EQ(view.operatorCount(), static_cast<int>(s.operators.size())) << name;
    for (size_t i = 0; i < s.operators.size(); ++i) {
      const QModelIndex cell =
          view.operatorModel()->index(static_cast<int>(i), OperatorTableModel::kOperator);
      EXPECT_EQ(cell.data().toString(), QString::fromStdString(s.operators[i].op)) << name;
      EXPECT_EQ(view.operatorModel()
                    ->index(static_cast<int>(i), OperatorTableModel::kMacs)
                    .data()
                    .toULongLong(),
                s.operators[i].macs);
    }
    EXPECT_EQ(view.tensorModel()->rowCount(), static_cast<int>(s.tensors.size()));
    EXPECT_EQ(view.graph()->nodeCount(), static_cast<int>(s.operators.size())) << name;
    // Every operator sits below every operator whose output it reads.
    std::vector<int> producer(s.tensors.size(), -1);
    for (const auto& op : s.operators) {
      for (int32_t t : op.inputs)
        if (t >= 0 && producer[static_cast<size_t>(t)] >= 0)
          EXPECT_GT(view.graph()->layerOf(op.index),
                    view.graph()->layerOf(producer[static_cast<size_t>(t)]));
      for (int32_t t : op.outputs) producer[static_cast<size_t>(t)] = op.index;
    }
    EXPECT_GE(view.graph()->edgeCount(), static_cast<int>(s.operators.size()) - 1);
    EXPECT_TRUE(view.header().contains(QString::number(s.arenaBytes))) << name;
  }
}

TEST(ModelView, RunOnTheSimulatorComparesEveryTensorAndDrawsLatency) {
  REQUIRE_MODEL("kws_ref_model");
  KwsOnScreen kws;
  Workbench& wb = kws.wb;
  ModelView& view = kws.view;
  ASSERT_NO_FATAL_FAILURE(kws.open());
  wb.connectTo(QStringLiteral("sim:"));
  ASSERT_TRUE(waitConnected(&wb)) << "no handshake with the simulated device";
  const RunReport r = runOnce(&wb, true);
  ASSERT_TRUE(r.error.isEmpty()) << r.error.toStdString();
  ASSERT_TRUE(r.comparison.identical());
  const int ops = view.operatorCount();
  EXPECT_EQ(view.operatorModel()->firstDivergingOp(), -1);
  EXPECT_EQ(view.graph()->highlightedOp(), -1);
  for (int i = 0; i < ops; ++i) {
    EXPECT_EQ(view.operatorModel()->opMatch(i), OperatorTableModel::Match::kIdentical) << i;
    EXPECT_NE(view.operatorModel()->index(i, OperatorTableModel::kDeviceUs).data().toString(), "–");
  }
  EXPECT_EQ(view.graph()->nodeFill(0), view.graph()->nodeFill(ops - 1));
  // Every compared tensor shows n/n exact matches in the table.
  int compared = 0;
  for (const auto& t : r.comparison.tensors) {
    if (!t.compared) continue;
    ++compared;
    const QString exact =
        view.tensorModel()->index(t.index, TensorTableModel::kExact).data().toString();
    EXPECT_EQ(exact, QStringLiteral("%1/%1").arg(t.elements)) << t.index;
  }
  EXPECT_EQ(compared, static_cast<int>(r.comparison.comparedTensors));
  // Latency bars: device and desktop, one bar each per operator.
  ASSERT_EQ(view.latencyChart()->series().size(), 1);
  auto* bars = qobject_cast<QtCharts::QHorizontalBarSeries*>(view.latencyChart()->series()[0]);
  ASSERT_NE(bars, nullptr);
  ASSERT_EQ(bars->count(), 2);
  EXPECT_EQ(bars->barSets()[0]->count(), ops);
  EXPECT_EQ(bars->barSets()[1]->count(), ops);
  EXPECT_GT(bars->barSets()[1]->sum(), 0);
  // With nothing diverging, the heatmap shows the model's output (a plot of 12 scores).
  EXPECT_EQ(view.heatmap()->tensorIndex(), wb.modelSummary().outputs[0]);
  EXPECT_TRUE(view.heatmap()->isPlot());

  // The same input on the desktop alone: times, values, no comparison.
  const RunReport desk = runOnce(&wb, false);
  ASSERT_TRUE(desk.error.isEmpty()) << desk.error.toStdString();
  EXPECT_TRUE(desk.desktopOnly);
  EXPECT_EQ(desk.desktopOpUs.size(), ops);
  EXPECT_EQ(view.operatorModel()->opMatch(0), OperatorTableModel::Match::kUnknown);
  ASSERT_NE(desk.desktopTensors, nullptr);
  EXPECT_EQ(desk.deviceTensors, nullptr);
  wb.device()->disconnectDevice();
}

// The agent's faulty DEPTHWISE_CONV_2D flips the lowest bit of its first output byte: the first
// depthwise operator is the first to diverge, in the table, the graph and the heatmap.
TEST(ModelView, AForcedDivergenceIsHighlightedInTableGraphAndHeatmap) {
  REQUIRE_MODEL("kws_ref_model");
  KwsOnScreen kws;
  Workbench& wb = kws.wb;
  ModelView& view = kws.view;
  ASSERT_NO_FATAL_FAILURE(kws.open());
  int faulty = -1;
  for (const auto& op : wb.modelSummary().operators)
    if (faulty < 0 && op.op == "DEPTHWISE_CONV_2D") faulty = op.index;
  ASSERT_GT(faulty, 0);
  wb.connectTo(QStringLiteral("sim:?fault-op=DEPTHWISE_CONV_2D"));
  ASSERT_TRUE(waitConnected(&wb)) << "no handshake with the simulated device";
  const RunReport r = runOnce(&wb, true);
  ASSERT_TRUE(r.error.isEmpty()) << r.error.toStdString();
  ASSERT_FALSE(r.comparison.identical());
  EXPECT_EQ(r.comparison.firstDivergingOp, faulty);

  // Table: the operator before it agrees; it differs and has the red background.
  OperatorTableModel* ops = view.operatorModel();
  EXPECT_EQ(ops->firstDivergingOp(), faulty);
  EXPECT_EQ(ops->opMatch(faulty - 1), OperatorTableModel::Match::kIdentical);
  EXPECT_EQ(ops->opMatch(faulty), OperatorTableModel::Match::kDiffers);
  EXPECT_EQ(ops->index(faulty, OperatorTableModel::kMatch).data().toString(), "differs");
  EXPECT_TRUE(ops->index(faulty, 0).data(Qt::BackgroundRole).isValid());
  EXPECT_FALSE(ops->index(faulty - 1, 0).data(Qt::BackgroundRole).isValid());
  // Graph: the same operator framed, coloured as differing; the one before as identical.
  ModelGraph* graph = view.graph();
  EXPECT_EQ(graph->highlightedOp(), faulty);
  EXPECT_GT(graph->nodeFrameWidth(faulty), graph->nodeFrameWidth(faulty - 1));
  EXPECT_NE(graph->nodeFill(faulty), graph->nodeFill(faulty - 1));
  // Tensors: its output is the first diverging tensor, highlighted too.
  const int tensor = wb.modelSummary().operators[static_cast<size_t>(faulty)].outputs[0];
  EXPECT_EQ(view.tensorModel()->firstDivergingTensor(), tensor);
  EXPECT_TRUE(view.tensorModel()->differs(tensor));
  EXPECT_TRUE(view.tensorModel()
                  ->index(view.tensorModel()->rowOfTensor(tensor), 0)
                  .data(Qt::BackgroundRole)
                  .isValid());

  // Heatmap: that tensor, device − desktop, NHWC [1,25,5,64] as 25 x 5 per channel.
  TensorHeatmap* map = view.heatmap();
  ASSERT_EQ(map->tensorIndex(), tensor);
  EXPECT_EQ(map->show(), TensorHeatmap::Show::kDifference);
  EXPECT_FALSE(map->isPlot());
  const auto& t = wb.modelSummary().tensors[static_cast<size_t>(tensor)];
  ASSERT_EQ(t.shape.size(), 4u);
  EXPECT_EQ(map->rows(), t.shape[1]);
  EXPECT_EQ(map->columns(), t.shape[2]);
  EXPECT_EQ(map->channelCount(), t.shape[3]);
  // Hover cell (0, 0) of channel 0 = element 0, the flipped byte; then another known cell.
  view.tabs()->setCurrentIndex(view.tabs()->indexOf(map->parentWidget()));
  QTest::qWait(20);
  const auto expectReadout = [&](int row, int col, int channel) {
    map->setChannel(channel);
    const qint64 e = map->elementAt(row, col);
    ASSERT_GE(e, 0);
    const int dev = static_cast<int8_t>(r.deviceTensors->data.at(tensor)[static_cast<size_t>(e)]);
    const int desk = static_cast<int8_t>(r.desktopTensors->data.at(tensor)[static_cast<size_t>(e)]);
    const double scale = t.scale[0];
    const double zp = static_cast<double>(t.zeroPoint[0]);
    QTest::mouseMove(map, map->cellRect(row, col).center());
    const QString text = map->readout();
    EXPECT_TRUE(text.contains(QStringLiteral("element %1").arg(e))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("device q %1 = %2")
                                  .arg(dev)
                                  .arg(QString::number(scale * (dev - zp), 'g', 6))))
        << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("desktop q %1 = %2")
                                  .arg(desk)
                                  .arg(QString::number(scale * (desk - zp), 'g', 6))))
        << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("Δ %1 ").arg(dev - desk))) << text.toStdString();
  };
  expectReadout(0, 0, 0);
  const int dev0 = static_cast<int8_t>(r.deviceTensors->data.at(tensor)[0]);
  const int desk0 = static_cast<int8_t>(r.desktopTensors->data.at(tensor)[0]);
  EXPECT_EQ(std::abs(dev0 - desk0), 1) << "the fault flips the lowest bit of the first byte";
  expectReadout(7, 3, 21);
  wb.device()->disconnectDevice();
}

TEST(ModelView, AnEditedRecipeRoundTripsThroughTheSidecar) {
  REQUIRE_MODEL("micro_speech_quantized");
  QTemporaryDir dir;
  const QString model = linkModel(dir, "micro_speech_quantized");
  {
    QFile side(dir.filePath(QStringLiteral("micro_speech_quantized.json")));
    ASSERT_TRUE(side.open(QIODevice::WriteOnly));
    side.write(R"({"labels": ["silence", "unknown", "yes", "no"]})");
  }
  inputs::InputRecipe audio;
  audio.kind = inputs::InputKind::kAudio;
  audio.source = dir.filePath(QStringLiteral("yes.wav"));
  audio.frontEndModel = sharedModel("audio_preprocessor_int8");
  audio.sampleRateHz = 16000;
  audio.windowMs = 30;
  audio.strideMs = 20;
  {
    Workbench wb;
    ModelView view(&wb);
    QString error;
    ASSERT_TRUE(wb.loadModel(model, &error)) << error.toStdString();
    EXPECT_FALSE(wb.hasRecipe());  // labels only
    view.editRecipe(audio);
    ASSERT_TRUE(view.saveRecipe()) << view.recipeStatus().toStdString();
    EXPECT_TRUE(wb.hasRecipe());
    EXPECT_EQ(wb.labels(), (QStringList{"silence", "unknown", "yes", "no"}));
  }
  // The file: the recipe with a path relative to the model's folder, the labels kept.
  QFile side(dir.filePath(QStringLiteral("micro_speech_quantized.json")));
  ASSERT_TRUE(side.open(QIODevice::ReadOnly));
  const QJsonObject json = QJsonDocument::fromJson(side.readAll()).object();
  EXPECT_EQ(json.value("labels").toArray().size(), 4);
  EXPECT_EQ(json.value("input").toObject().value("recipe").toString(), "audio");
  EXPECT_EQ(json.value("input").toObject().value("source").toString(), "yes.wav");
  // Read back by the core's parser and by a fresh view, as saved.
  inputs::InputRecipe back;
  QString error;
  ASSERT_TRUE(inputs::loadRecipeFor(model, &back, &error)) << error.toStdString();
  EXPECT_EQ(back.kind, inputs::InputKind::kAudio);
  EXPECT_EQ(back.source, audio.source);
  EXPECT_EQ(back.frontEndModel, audio.frontEndModel);
  EXPECT_EQ(back.windowMs, 30);
  EXPECT_EQ(back.strideMs, 20);
  Workbench wb;
  ModelView view(&wb);
  ASSERT_TRUE(wb.loadModel(model, &error)) << error.toStdString();
  const inputs::InputRecipe shown = view.editedRecipe();
  EXPECT_EQ(shown.kind, inputs::InputKind::kAudio);
  EXPECT_EQ(shown.source, audio.source);
  EXPECT_EQ(shown.frontEndModel, audio.frontEndModel);
  EXPECT_EQ(shown.sampleRateHz, 16000);
  // An edit to a window recipe, saved again, replaces the audio one.
  inputs::InputRecipe window;
  window.kind = inputs::InputKind::kWindow;
  window.windowLength = 1960;
  window.axes = QStringList{"mic"};
  window.rawPerUnit = 256;
  view.editRecipe(window);
  ASSERT_TRUE(view.saveRecipe()) << view.recipeStatus().toStdString();
  ASSERT_TRUE(inputs::loadRecipeFor(model, &back, &error)) << error.toStdString();
  EXPECT_EQ(back.kind, inputs::InputKind::kWindow);
  EXPECT_EQ(back.windowLength, 1960);
  EXPECT_EQ(back.axes, QStringList{"mic"});
  EXPECT_DOUBLE_EQ(back.rawPerUnit, 256);
  // A recipe the parser would refuse is not written: the sidecar keeps the last good one.
  window.axes.clear();
  view.editRecipe(window);
  EXPECT_FALSE(view.saveRecipe());
  EXPECT_TRUE(view.recipeStatus().contains("axes")) << view.recipeStatus().toStdString();
  ASSERT_TRUE(inputs::loadRecipeFor(model, &back, &error)) << error.toStdString();
  EXPECT_EQ(back.axes, QStringList{"mic"});
}

// A model without a recipe is never run on made-up bytes; a source that cannot be built is
// reported from the worker, not sent.
TEST(ModelView, NoRecipeNoRunAndABadSourceIsReported) {
  REQUIRE_MODEL("kws_ref_model");
  Workbench wb;
  QString error;
  ASSERT_TRUE(wb.loadModel(sharedModel("kws_ref_model"), &error)) << error.toStdString();
  QSignalSpy reports(&wb, &Workbench::runReport);
  QSignalSpy started(&wb, &Workbench::runStarted);
  EXPECT_FALSE(wb.runOnDesktop());
  ASSERT_EQ(reports.count(), 1);
  EXPECT_EQ(started.count(), 0);
  EXPECT_TRUE(reports.takeFirst().at(0).value<RunReport>().error.endsWith("choose an input."));
  wb.setInputSource(kShared + QStringLiteral("/golden/hello_world_int8/seed1/input.bin"));
  EXPECT_TRUE(wb.runOnDesktop());  // read on the worker: 4 bytes, not 490
  EXPECT_EQ(reports.count(), 0) << "the file was read on the GUI thread";
  ASSERT_TRUE(reports.wait(10000));
  const RunReport r = reports.takeFirst().at(0).value<RunReport>();
  EXPECT_TRUE(r.error.startsWith("No inference: ")) << r.error.toStdString();
  EXPECT_TRUE(r.error.contains("bytes")) << r.error.toStdString();
  EXPECT_EQ(r.desktopTensors, nullptr);
}

// A recorded sample (a dataset sample's frames) is the window of one run, from the frame asked
// for; the run after it takes the stream again, and a sample that does not fit is refused.
TEST(ModelView, ARecordedSampleIsTheWindowOfOneRun) {
  Workbench wb;
  QString error;
  ASSERT_TRUE(wb.loadModel(
      QStringLiteral(TINYSCOPE_SOURCE_DIR "/resources/models/imu_gesture_demo.tflite"), &error))
      << error.toStdString();
  ASSERT_EQ(wb.recipe().kind, inputs::InputKind::kWindow);
  ASSERT_EQ(wb.recipe().axes.size(), 3);
  std::vector<float> raw(100 * 3);
  for (size_t i = 0; i < raw.size(); ++i)
    raw[i] = static_cast<float>(3000 * std::sin(0.05 * static_cast<double>(i)) + 100.0 * (i % 3));
  wb.setInputSamples(raw, 3, 20, QStringLiteral("dataset sample 7 from frame 20"));
  QSignalSpy reports(&wb, &Workbench::runReport);
  ASSERT_TRUE(wb.runOnDesktop());
  ASSERT_TRUE(reports.wait(10000));
  const RunReport r = reports.takeFirst().at(0).value<RunReport>();
  ASSERT_TRUE(r.error.isEmpty()) << r.error.toStdString();
  EXPECT_EQ(r.input, "dataset sample 7 from frame 20");
  // The input is frames 20..83 through the recipe, exactly.
  const std::vector<float> window(raw.begin() + 60, raw.begin() + 60 + 64 * 3);
  inputs::BuiltInput expected;
  ASSERT_TRUE(
      inputs::buildInput(wb.recipe(), wb.modelSummary(), QString(), &expected, &error, &window))
      << error.toStdString();
  ASSERT_NE(r.desktopTensors, nullptr);
  EXPECT_EQ(r.desktopTensors->input, expected.bytes);
  // Used once: no stream has delivered anything, so the next run is refused.
  EXPECT_FALSE(wb.runOnDesktop());
  ASSERT_EQ(reports.count(), 1);
  EXPECT_TRUE(reports.takeFirst().at(0).value<RunReport>().error.contains("stream has not"));
  // Too few frames from the asked one, or another channel count: refused, naming both.
  wb.setInputSamples(raw, 3, 50, QStringLiteral("dataset sample 7 from frame 50"));
  EXPECT_FALSE(wb.runOnDesktop());
  wb.setInputSamples(std::vector<float>(200), 2, 0, QStringLiteral("dataset sample 8"));
  EXPECT_FALSE(wb.runOnDesktop());
  ASSERT_EQ(reports.count(), 2);
  EXPECT_TRUE(reports.at(0).at(0).value<RunReport>().error.contains(
      "dataset sample 7 from frame 50 has 100 frames of 3 channels from frame 50; the recipe "
      "needs 64 frames of 3"))
      << reports.at(0).at(0).value<RunReport>().error.toStdString();
  EXPECT_TRUE(reports.at(1).at(0).value<RunReport>().error.contains("100 frames of 2 channels"));
}

TEST(ScoreStrip, DrawsEachClassOnThePlotsTimeAxis) {
  tinyscope::ui::ScoreStrip strip;
  strip.resize(600, 90);
  strip.setLabels({"idle", "wave"});
  strip.setTimeRange(40, 45);  // a short plot view widens to the last 30 s
  EXPECT_DOUBLE_EQ(strip.timeStart(), 45 - tinyscope::ui::ScoreStrip::kMinSpanSeconds);
  strip.setTimeRange(0, 5);  // a young stream: from its start
  EXPECT_DOUBLE_EQ(strip.timeStart(), 0);
  strip.setTimeRange(0, 30);
  for (int i = 0; i < 10; ++i) strip.addScores(i, {0.9, 0.1});
  EXPECT_EQ(strip.pointCount(), 10);
  const QImage img = strip.grab().toImage();
  // The "idle" line near the top (0.9).
  const QColor idle = tinyscope::ui::SignalPlot::seriesColour(0);
  int top = img.height(), bottom = 0;
  for (int y = 0; y < img.height(); ++y)
    for (int x = 100; x < 400; ++x)
      if (QColor(img.pixel(x, y)) == idle) top = std::min(top, y), bottom = std::max(bottom, y);
  EXPECT_LT(top, img.height() / 3);
  EXPECT_LT(bottom, img.height() / 2);
  for (int i = 0; i < 2 * tinyscope::ui::ScoreStrip::kMaxPoints; ++i) strip.addScores(i, {1, 0});
  EXPECT_EQ(strip.pointCount(), tinyscope::ui::ScoreStrip::kMaxPoints);
  strip.clear();
  EXPECT_EQ(strip.pointCount(), 0);
}
