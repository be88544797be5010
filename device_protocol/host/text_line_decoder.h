#pragma once
// TextLineDecoder: the plain text mode for boards that run no tinyscope agent. Accepts
//  - lines of numbers separated by comma, tab, semicolon or spaces:   "12,-3,4.5"
//  - Arduino serial-plotter pairs:                                    "ax:12 ay:-3 az:4.5"
// Every line Edge Impulse's data forwarder takes is taken with the same values: it splits at
// commas and whitespace (space, tab, \v, \f), skips empty fields ("1,,2" is two values) and
// reads each field as JavaScript's Number() does — decimal with optional sign, fraction and
// exponent (".5", "5.", "+1e3"), or unsigned 0x/0o/0b integers. Fields Number() refuses
// ("nan", "inf", "1_0") make the line text. "Infinity", which the forwarder would upload as
// null, is refused too.
// One line is one sample of every channel. Lines that are not data ("Booting...") are
// counted and handed back as text. Line endings \n, \r\n or \r. Overlong lines (no end of
// line within maxLineBytes) are counted and dropped. One thread.
// The rate comes from arrival times (RateEstimator) after 3 lines, so a 1 Hz board's rate is
// known after 2 s; the forwarder counts lines for one second and cannot see rates <= 2 Hz.
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVector>

#include "device_protocol/host/rate_estimator.h"

namespace tinyscope::link {

struct TextSample {
  QVector<double> values;
  qint64 arrivalNs = 0;
};

// A field as JavaScript's Number() reads it (see above), finite only; false otherwise.
bool parseForwarderNumber(const QByteArray& field, double* value);

struct TextDecoderCounters {
  quint64 samples = 0;
  quint64 textLines = 0;  // lines that were not data
  quint64 overlongLines = 0;
  quint64 channelChanges = 0;  // the number/labels of channels changed mid-stream
};

class TextLineDecoder {
 public:
  explicit TextLineDecoder(int maxLineBytes = 4096) : m_maxLine(maxLineBytes) {}

  // Consumes a chunk; appends decoded samples and non-data lines.
  void feed(const QByteArray& chunk, qint64 arrivalNs, QList<TextSample>* samples,
            QStringList* textLines);

  // Channel names: from "label:value" pairs, else "ch0".."chN-1".
  const QStringList& channelNames() const { return m_channels; }
  const TextDecoderCounters& counters() const { return m_counters; }

  // Measured rate with its uncertainty, or the user's override when set (> 0).
  RateEstimate rate() const;
  void overrideRate(double hz) { m_overrideHz = hz; }

 private:
  bool parseLine(const QByteArray& line, QVector<double>* values, QStringList* labels) const;

  QByteArray m_partial;
  QStringList m_channels;
  TextDecoderCounters m_counters;
  RateEstimator m_rate{4096, 3};
  double m_overrideHz = 0;
  int m_maxLine;
  bool m_discarding = false;
};

}  // namespace tinyscope::link
