#include "model_runner/host/tensor_comparator.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "model_runner/host/json.h"

namespace tinyscope::runner::host {

namespace {

// Sums over the elements of one tensor (values in quantized steps, dequantized for the
// cosine, SNR and relative L2).
struct Sums {
  double sumAbs = 0.0, dot = 0.0, refSq = 0.0, testSq = 0.0, errSq = 0.0;
};

// One pass over a tensor of element type T. Identical bytes take a shorter pass that adds the
// same terms in the same order, so both give the same figures to the last bit.
template <class T>
void accumulate(const uint8_t* ref, const uint8_t* test, size_t n, double scale, double zp,
                TensorComparison* c, Sums* s) {
  auto at = [](const uint8_t* p, size_t i) {
    T v;
    std::memcpy(&v, p + sizeof(T) * i, sizeof(T));
    return v;
  };
  if (std::memcmp(ref, test, n * sizeof(T)) == 0) {
    c->exactMatches = n;
    for (size_t i = 0; i < n; ++i) {
      const double rr = scale * (static_cast<double>(at(ref, i)) - zp);
      s->refSq += rr * rr;
    }
    s->dot = s->testSq = s->refSq;
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    const T rv = at(ref, i), tv = at(test, i);
    const double r = static_cast<double>(rv);
    const double t = static_cast<double>(tv);
    const double d = std::fabs(r - t);
    if (std::memcmp(&rv, &tv, sizeof(T)) == 0) ++c->exactMatches;
    s->sumAbs += d;
    const auto steps = static_cast<int64_t>(std::ceil(d));
    if (steps > c->maxAbsDiff) c->maxAbsDiff = steps;
    const double rr = scale * (r - zp);
    const double tt = scale * (t - zp);
    s->dot += rr * tt;
    s->refSq += rr * rr;
    s->testSq += tt * tt;
    s->errSq += (tt - rr) * (tt - rr);
  }
}

// A type with a size but no value (e.g. float16): only its bytes are compared.
void accumulateBytes(const uint8_t* ref, const uint8_t* test, size_t n, size_t es,
                     TensorComparison* c) {
  for (size_t i = 0; i < n; ++i)
    if (std::memcmp(ref + i * es, test + i * es, es) == 0) ++c->exactMatches;
}

using AccumulateFn = void (*)(const uint8_t*, const uint8_t*, size_t, double, double,
                              TensorComparison*, Sums*);

// The pass for an element type, looked up once per tensor; null for types without a value.
AccumulateFn accumulator(const std::string& type) {
  if (type == "int8") return accumulate<int8_t>;
  if (type == "uint8" || type == "bool") return accumulate<uint8_t>;
  if (type == "int16") return accumulate<int16_t>;
  if (type == "uint16") return accumulate<uint16_t>;
  if (type == "int32") return accumulate<int32_t>;
  if (type == "uint32") return accumulate<uint32_t>;
  if (type == "float32") return accumulate<float>;
  if (type == "int64") return accumulate<int64_t>;
  if (type == "uint64") return accumulate<uint64_t>;
  if (type == "float64") return accumulate<double>;
  return nullptr;
}

}  // namespace

TensorComparison compareTensorBytes(const DumpTensor& info, const std::vector<uint8_t>& reference,
                                    const std::vector<uint8_t>& test) {
  TensorComparison c;
  c.index = info.index;
  c.name = info.name;
  c.type = info.type;
  c.producerOp = info.producerOp;
  c.producerOpName = info.producerOpName;
  // Complex types have a size but no value elementValue() can compare.
  const size_t es = info.type.rfind("complex", 0) == 0 ? 0 : elementSizeOf(info.type);
  if (es == 0) {
    c.note = "element type " + info.type + " is not compared";
    return c;
  }
  if (reference.size() != test.size() || reference.size() % es != 0) {
    c.note = "sizes differ: " + std::to_string(reference.size()) + " vs " +
             std::to_string(test.size()) + " bytes";
    return c;
  }
  c.compared = true;
  c.elements = reference.size() / es;
  const double scale = info.scale.empty() ? 1.0 : info.scale[0];
  const double zp = info.zeroPoint.empty() ? 0.0 : static_cast<double>(info.zeroPoint[0]);
  Sums sums;
  if (const AccumulateFn pass = accumulator(info.type))
    pass(reference.data(), test.data(), c.elements, scale, zp, &c, &sums);
  else
    accumulateBytes(reference.data(), test.data(), c.elements, es, &c);
  const double sumAbs = sums.sumAbs, dot = sums.dot, refSq = sums.refSq, testSq = sums.testSq,
               errSq = sums.errSq;
  c.meanAbsDiff = c.elements > 0 ? sumAbs / static_cast<double>(c.elements) : 0.0;
  if (refSq == 0.0 && testSq == 0.0) {
    c.cosine = 1.0;
  } else if (refSq == 0.0 || testSq == 0.0) {
    c.cosine = 0.0;
  } else {
    c.cosine = dot / (std::sqrt(refSq) * std::sqrt(testSq));
  }
  if (errSq == 0.0) {
    c.snrDb = std::numeric_limits<double>::infinity();
    c.relativeL2 = 0.0;
  } else {
    c.snrDb =
        refSq > 0.0 ? 10.0 * std::log10(refSq / errSq) : -std::numeric_limits<double>::infinity();
    c.relativeL2 = refSq > 0.0 ? std::sqrt(errSq / refSq) : std::numeric_limits<double>::infinity();
  }
  return c;
}

bool compareDumps(const TensorDump& reference, const TensorDump& test, DumpComparison* out,
                  std::string* error) {
  std::string localError;
  std::string* err = error != nullptr ? error : &localError;
  *out = DumpComparison();
  const auto& a = reference.manifest.tensors;
  const auto& b = test.manifest.tensors;
  if (a.size() != b.size()) {
    *err = "the dumps describe different models: " + std::to_string(a.size()) + " vs " +
           std::to_string(b.size()) + " tensors";
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].type != b[i].type || a[i].bytes != b[i].bytes) {
      *err = "the dumps describe different models: tensor " + std::to_string(a[i].index) + " is " +
             a[i].type + "/" + std::to_string(a[i].bytes) + " bytes vs " + b[i].type + "/" +
             std::to_string(b[i].bytes);
      return false;
    }
    const auto ra = reference.data.find(a[i].index);
    const auto tb = test.data.find(b[i].index);
    if (ra == reference.data.end() || tb == test.data.end()) continue;
    TensorComparison c = compareTensorBytes(a[i], ra->second, tb->second);
    if (c.compared) {
      ++out->comparedTensors;
      if (c.identical()) {
        ++out->identicalTensors;
      } else if (out->firstDivergingTensor < 0 || c.producerOp < out->firstDivergingOp) {
        out->firstDivergingOp = c.producerOp;
        out->firstDivergingOpName = c.producerOpName.empty() ? "(model input)" : c.producerOpName;
        out->firstDivergingTensor = c.index;
      }
    }
    out->tensors.push_back(std::move(c));
  }
  return true;
}

std::string comparisonToJson(const DumpComparison& cmp) {
  JsonWriter w;
  w.beginObject();
  w.key("compared_tensors").value(cmp.comparedTensors);
  w.key("identical_tensors").value(cmp.identicalTensors);
  w.key("identical").value(cmp.identical());
  w.key("first_diverging_op").value(cmp.firstDivergingOp);
  w.key("first_diverging_op_name").stringOrNull(cmp.firstDivergingOpName);
  w.key("first_diverging_tensor").value(cmp.firstDivergingTensor);
  w.key("tensors").beginArray();
  for (const TensorComparison& c : cmp.tensors) {
    w.beginObject();
    w.key("index").value(c.index);
    w.key("name").value(c.name);
    w.key("type").value(c.type);
    w.key("producer_op").value(c.producerOp);
    w.key("compared").value(c.compared);
    if (!c.note.empty()) w.key("note").value(c.note);
    w.key("elements").value(c.elements);
    w.key("exact_matches").value(c.exactMatches);
    w.key("max_abs_diff").value(c.maxAbsDiff);
    w.key("mean_abs_diff").value(c.meanAbsDiff, 6);
    w.key("cosine").value(c.cosine, 9);
    w.key("snr_db").value(c.snrDb, 6);  // null when identical (infinite)
    w.key("relative_l2").value(c.relativeL2, 6);
    w.endObject();
  }
  w.endArray();
  w.endObject();
  return w.str() + "\n";
}

}  // namespace tinyscope::runner::host
