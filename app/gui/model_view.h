#pragma once
// ModelView: everything about the open .tflite — its operators as a layered graph and as a
// table, its tensors with the device-vs-desktop metrics of the last run, MACs and the planned
// arena; the input recipe (sidecar "input"), shown and editable, saved through
// Workbench::saveRecipe; Run on device / Run on desktop; per-operator latency bars, device vs
// desktop (QtCharts); a selected tensor's values on both sides and their difference
// (TensorHeatmap). The first diverging operator is highlighted in the graph and both tables.
//
// Ownership: borrows the Workbench (must outlive the view). Thread: GUI thread only.
#include <QWidget>
#include <memory>

#include "app/core/workbench.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace QtCharts {
class QChart;
}

namespace tinyscope {
class OperatorTableModel;
class TensorTableModel;
}  // namespace tinyscope

namespace tinyscope::ui {

class ModelGraph;
class TensorHeatmap;

class ModelView : public QWidget {
  Q_OBJECT
 public:
  explicit ModelView(Workbench* workbench, QWidget* parent = nullptr);
  ~ModelView() override;

  // The workbench's model (after Workbench::modelChanged).
  void showModel();
  void showMessage(const QString& message);
  void showReport(const RunReport& report);
  // Device ▸ Listen: listening, then the word and the whole pipeline's verdict (the first
  // divergent tensor named) under the run buttons.
  void showListening();
  void showListen(const ListenResult& result);
  QString listenText() const;
  void clearResults();
  int operatorCount() const;

  // Shows tensor `index` in the heatmap (and selects its row).
  void selectTensor(int index);
  // The recipe the editor holds now (not yet saved).
  inputs::InputRecipe editedRecipe() const;
  void editRecipe(const inputs::InputRecipe& recipe);
  // Saves the edited recipe into the sidecar; errors go to the recipe status line.
  bool saveRecipe();

  ModelGraph* graph() const { return m_graph; }
  TensorHeatmap* heatmap() const { return m_heatmap; }
  QTableView* operatorTable() const { return m_opsView; }
  QTableView* tensorTable() const { return m_tensorsView; }
  OperatorTableModel* operatorModel() const { return m_ops.get(); }
  TensorTableModel* tensorModel() const { return m_tensors.get(); }
  QtCharts::QChart* latencyChart() const { return m_chart; }
  QTabWidget* tabs() const { return m_tabs; }
  QString header() const;
  QString recipeStatus() const;

 protected:
  void resizeEvent(QResizeEvent* event) override;

 Q_SIGNALS:
  // "Run on device" was pressed (the window checks the connection and runs).
  void runOnDeviceRequested();
  // "Listen" was pressed (the window checks the connection and listens).
  void listenRequested();
  // "Run on dataset sample": the window takes the Dataset view's selected sample as the input.
  void runOnSampleRequested();
  // An error or a saved recipe, for the log.
  void message(const QString& text, bool error);

 private:
  QWidget* buildRecipeEditor();
  void showLatency(const RunReport& report);
  void showTensorValues();

  Workbench* m_workbench;
  std::unique_ptr<OperatorTableModel> m_ops;
  std::unique_ptr<TensorTableModel> m_tensors;
  QLabel* m_header;
  QPushButton* m_runDevice;
  QPushButton* m_runDesktop;
  QPushButton* m_runSample;
  QPushButton* m_listen;
  QLabel* m_listenResult;
  QSplitter* m_split;
  QTabWidget* m_tabs;
  ModelGraph* m_graph;
  QTableView* m_opsView;
  QTableView* m_tensorsView;
  QtCharts::QChart* m_chart;
  QLabel* m_latencyNote;
  TensorHeatmap* m_heatmap;
  QComboBox* m_show;
  QSpinBox* m_channel;
  // Recipe editor.
  QComboBox* m_kind;
  QLineEdit* m_source;
  QStackedWidget* m_kindPages;
  QSpinBox* m_windowLength;
  QLineEdit* m_axes;
  QDoubleSpinBox* m_rawPerUnit;
  QDoubleSpinBox* m_pixelMin;
  QDoubleSpinBox* m_pixelMax;
  QLineEdit* m_frontEnd;
  QSpinBox* m_rate;
  QSpinBox* m_windowMs;
  QSpinBox* m_strideMs;
  QLabel* m_recipeStatus;
  RunReport m_report;  // the last one shown (its tensors feed the heatmap)
  int m_selectedTensor = -1;
};

}  // namespace tinyscope::ui
