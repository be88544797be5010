// int16 sigmoid and tanh by table interpolation, bit-exact with TFLite's int16 LOGISTIC/TANH
// reference kernels (and so with the LSTM gates that use them).
//
// Both read one 256-entry table of sigmoid(i / 24) in unsigned 0.16 format and interpolate
// linearly; tanh uses tanh(x) = 2 * sigmoid(2x) - 1. The input is first brought to the table's
// scale: x * multiplier (+ rounding) >> leftShift. With multiplier 0 ("power of two" input
// scale), the multiplier becomes 3 << leftShift and the shift 0. Pure functions over caller
// memory; input and output may alias.
#pragma once

#include <cstdint>

namespace tinyscope::runner::kernels::lut {

// Callers keep multiplier (or 3 << leftShift) below 2^16 so the scaled input fits in int32.

// sigmoid(x): output Q0.15. For an input scale of 2^-12 (Q3.12) pass multiplier 0, shift 0.
void sigmoidInt16(int32_t multiplier, int32_t leftShift, int32_t count, const int16_t* input,
                  int16_t* output);
// tanh(x): output Q0.15. For an input scale of 2^-12 pass multiplier 0, shift 0.
void tanhInt16(int32_t multiplier, int32_t leftShift, int32_t count, const int16_t* input,
               int16_t* output);

// TFLite's CheckedLog2 without libm: *log2 = round(log2(x)); true when x is within 1e-3 (in
// log2) of that power of two. x must be finite and > 0.
bool checkedLog2(float x, int* log2);

}  // namespace tinyscope::runner::kernels::lut
