#include "device_protocol/host/rate_estimator.h"

#include <cmath>

namespace tinyscope::link {

void RateEstimator::add(qint64 arrivalNs, int count) {
  if (count <= 0) return;
  if (m_firstNs < 0) m_firstNs = arrivalNs;
  m_total += count;
  // A burst of `count` samples arriving at once: the last of them arrived now.
  m_points.push_back(Point{m_total, static_cast<double>(arrivalNs - m_firstNs) * 1e-9});
  while (static_cast<int>(m_points.size()) > m_window) m_points.pop_front();
}

RateEstimate RateEstimator::estimate() const {
  const size_t n = m_points.size();
  if (n < static_cast<size_t>(m_minPoints)) return {};
  double mx = 0, my = 0;
  for (const Point& p : m_points) {
    mx += p.index;
    my += p.seconds;
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxx = 0, sxy = 0;
  for (const Point& p : m_points) {
    sxx += (p.index - mx) * (p.index - mx);
    sxy += (p.index - mx) * (p.seconds - my);
  }
  if (sxx <= 0 || sxy <= 0) return {};
  const double slope = sxy / sxx;  // seconds per sample
  double sse = 0;
  for (const Point& p : m_points) {
    const double r = p.seconds - (my + slope * (p.index - mx));
    sse += r * r;
  }
  const double slopeErr = std::sqrt(sse / static_cast<double>(n - 2) / sxx);
  RateEstimate e;
  e.hz = 1.0 / slope;
  e.uncertaintyHz = slopeErr / (slope * slope);  // d(1/s) = ds / s²
  return e;
}

void RateEstimator::reset() {
  m_points.clear();
  m_firstNs = -1;
  m_total = 0;
}

}  // namespace tinyscope::link
