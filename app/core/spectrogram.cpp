#include "app/core/spectrogram.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>

namespace tinyscope {

struct Spectrogram::Fft {
  float* in = nullptr;
  fftwf_complex* out = nullptr;
  fftwf_plan plan = nullptr;
};

Spectrogram::Spectrogram(int fftSize, int hop, float fullScale)
    : m_size(std::max(16, fftSize)),
      m_hop(std::clamp(hop, 1, std::max(16, fftSize))),
      m_fullScale(fullScale),
      m_fft(new Fft) {
  m_window.resize(static_cast<size_t>(m_size));
  for (int i = 0; i < m_size; ++i)
    m_window[static_cast<size_t>(i)] =
        0.5f - 0.5f * std::cos(2.0f * static_cast<float>(M_PI) * static_cast<float>(i) /
                               static_cast<float>(m_size));
  m_fft->in = fftwf_alloc_real(static_cast<size_t>(m_size));
  m_fft->out = fftwf_alloc_complex(static_cast<size_t>(bins()));
  m_fft->plan = fftwf_plan_dft_r2c_1d(m_size, m_fft->in, m_fft->out, FFTW_ESTIMATE);
}

Spectrogram::~Spectrogram() {
  fftwf_destroy_plan(m_fft->plan);
  fftwf_free(m_fft->in);
  fftwf_free(m_fft->out);
}

void Spectrogram::reset() {
  m_pending.clear();
}

void Spectrogram::push(const float* samples, int count, std::vector<std::vector<float>>* out) {
  m_pending.insert(m_pending.end(), samples, samples + std::max(0, count));
  // A Hann-windowed full-scale sine has a peak magnitude of fullScale * N / 4.
  const float reference = m_fullScale * static_cast<float>(m_size) / 4.0f;
  size_t start = 0;
  while (m_pending.size() - start >= static_cast<size_t>(m_size)) {
    for (int i = 0; i < m_size; ++i)
      m_fft->in[i] = m_pending[start + static_cast<size_t>(i)] * m_window[static_cast<size_t>(i)];
    fftwf_execute(m_fft->plan);
    std::vector<float> column(static_cast<size_t>(bins()));
    for (int k = 0; k < bins(); ++k) {
      const float re = m_fft->out[k][0], im = m_fft->out[k][1];
      const float magnitude = std::sqrt(re * re + im * im) / reference;
      column[static_cast<size_t>(k)] = 20.0f * std::log10(std::max(magnitude, 1e-7f));
    }
    out->push_back(std::move(column));
    start += static_cast<size_t>(m_hop);
  }
  m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(start));
}

}  // namespace tinyscope
