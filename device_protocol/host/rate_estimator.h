#pragma once
// RateEstimator: the sample rate of a stream measured from when its samples arrive.
// Arrival times are bursty (USB packets, OS scheduling), so one interval says little; a
// least-squares line through (sample count, arrival time) over a sliding window gives the
// rate and its standard error. Value type; one thread.
// minPoints: arrivals needed before an estimate (at least 3, the fewest a slope with an error
// needs). A slow board's rate is then known after minPoints lines: 1 Hz after 2 s with 3.
#include <QtGlobal>
#include <deque>

namespace tinyscope::link {

struct RateEstimate {
  double hz = 0;             // 0 until enough samples
  double uncertaintyHz = 0;  // one standard error
  bool valid() const { return hz > 0; }
};

class RateEstimator {
 public:
  explicit RateEstimator(int window = 4096, int minPoints = 8)
      : m_window(window < 8 ? 8 : window), m_minPoints(minPoints < 3 ? 3 : minPoints) {}
  // count samples arrived together at arrivalNs.
  void add(qint64 arrivalNs, int count = 1);
  RateEstimate estimate() const;
  void reset();

 private:
  struct Point {
    double index;
    double seconds;
  };
  std::deque<Point> m_points;
  qint64 m_firstNs = -1;
  double m_total = 0;
  int m_window;
  int m_minPoints;
};

}  // namespace tinyscope::link
