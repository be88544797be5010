#pragma once
// ScoreStrip: the model's outputs over time under the Live signal plot — one line per class
// (scores 0..1) on the plot's time axis (setTimeRange follows the plot's view, at least the last
// kMinSpanSeconds; classes in the plot's channel colours), the newest top class named at the right.
// Drawn with QPainter: a few hundred points per class cost well under a millisecond a frame
// (bench/live_plot_bench).
//
// Thread: GUI thread. Memory: at most kMaxPoints results (one double per class each).
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <deque>

namespace tinyscope::ui {

class ScoreStrip : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kMaxPoints = 1000;

  explicit ScoreStrip(QWidget* parent = nullptr);

  void setLabels(const QStringList& labels);
  // One inference's scores at `seconds` on the plot's time axis.
  void addScores(double seconds, const QVector<double>& scores);
  void clear();
  // The time span shown: the signal plot's view, widened to at least kMinSpanSeconds back from
  // its end (a 0.5 s audio view would hold no more than one inference), never before 0.
  static constexpr double kMinSpanSeconds = 30;
  void setTimeRange(double start, double end);
  double timeStart() const { return m_start; }
  double timeEnd() const { return m_end; }
  int pointCount() const { return static_cast<int>(m_points.size()); }
  QStringList labels() const { return m_labels; }

  QSize sizeHint() const override { return {640, 90}; }
  QSize minimumSizeHint() const override { return {200, 60}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  struct Point {
    double seconds;
    QVector<double> scores;
  };
  QStringList m_labels;
  std::deque<Point> m_points;
  double m_start = 0, m_end = 1;
};

}  // namespace tinyscope::ui
