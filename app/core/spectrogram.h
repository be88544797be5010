#pragma once
// Spectrogram: short-time power spectrum of one channel for the live view of audio-rate
// streams. Hann window, fftSize-point real FFT (FFTW) every hop samples, magnitude in dB
// relative to a full-scale sine of amplitude fullScale.
// Thread: one owner (the GUI thread in tinyscope). Memory: O(fftSize), allocated once.
#include <memory>
#include <vector>

namespace tinyscope {

class Spectrogram {
 public:
  Spectrogram(int fftSize = 512, int hop = 256, float fullScale = 32768.0f);
  ~Spectrogram();
  Spectrogram(const Spectrogram&) = delete;
  Spectrogram& operator=(const Spectrogram&) = delete;

  int fftSize() const { return m_size; }
  int bins() const { return m_size / 2 + 1; }  // 0 .. Nyquist
  // Appends samples; every completed hop adds one column of bins() values (dB) to out.
  void push(const float* samples, int count, std::vector<std::vector<float>>* out);
  void reset();

 private:
  struct Fft;
  int m_size;
  int m_hop;
  float m_fullScale;
  std::vector<float> m_window;
  std::vector<float> m_pending;  // samples not yet analysed
  std::unique_ptr<Fft> m_fft;
};

}  // namespace tinyscope
