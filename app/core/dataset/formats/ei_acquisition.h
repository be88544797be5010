#pragma once
// Edge Impulse data-acquisition files, JSON and CBOR:
//   {protected:{ver:"v1", alg:"HS256"|"none", iat?}, signature, payload:{device_name?,
//    device_type, interval_ms, sensors:[{name, units}], values}}
// Key order is free; values is a list of per-frame lists, or a flat list for one sensor.
// Signature: HMAC-SHA256 (key = UTF-8 text) over the producer's exact bytes with the 64-hex
// signature replaced in place by 64 ASCII '0'. HS256 with all zeros, or alg "none" (whose
// signature is junk such as "0" or "empty"), is unsigned.
// Pure functions, any thread; memory about three times the file while parsing.
#include <QByteArray>
#include <QString>

#include "app/core/dataset/formats/format_result.h"
#include "app/core/dataset/formats/recording.h"

namespace tinyscope::dataset::formats {

enum class SignatureStatus { kUnsigned, kVerified, kNotVerified };
// "unsigned", "signature verified", "signature not verified"
const char* signatureStatusText(SignatureStatus status);

enum class EiEncoding { kJson, kCbor };

struct EiAcquisition {
  Recording recording;
  SignatureStatus signature = SignatureStatus::kUnsigned;
  EiEncoding encoding = EiEncoding::kJson;
};

// Parses one file's bytes (JSON when the first non-blank byte is '{', CBOR otherwise). The
// label and name come from fileName by Edge Impulse's rule (see eiLabelFromFileName). With a
// non-empty hmacKey a signed file whose signature does not match is refused; without one a
// signed file comes back as kNotVerified. Errors name fileName and the field.
FormatResult<EiAcquisition> parseEiAcquisition(const QByteArray& bytes, const QString& fileName,
                                               const QString& hmacKey = {});
FormatResult<EiAcquisition> readEiAcquisitionFile(const QString& path, const QString& hmacKey = {});

// Encodes a recording the way Edge Impulse's uploader accepts it: protected {ver v1, alg
// HS256, iat when metadata "ei.iat" holds one}, then the signature — the HMAC of these very
// bytes with the signature zeroed when hmacKey is given, else 64 zeros (unsigned). One sensor
// is written as a flat values list. Fails (error set) on a recording that does not validate.
FormatResult<QByteArray> encodeEiAcquisition(const Recording& recording, EiEncoding encoding,
                                             const QString& hmacKey = {});

// "<label>.<name>.json" (or .cbor). The label may not contain '.', '/' or '\\': Edge
// Impulse reads the label back as the text before the first '.'.
FormatResult<QString> eiFileName(const Recording& recording, EiEncoding encoding);
// Writes eiFileName() into dir atomically; returns the path written.
FormatResult<QString> writeEiAcquisitionFile(const QString& dir, const Recording& recording,
                                             EiEncoding encoding, const QString& hmacKey = {});

// Edge Impulse's file-name rule: the label is the text before the first '.' ("idle.01.json"
// -> "idle"); the name is what lies between that and the extension ("01"), or the whole base
// name when there is only one dot ("yes.wav" -> label "yes", name "yes").
QString eiLabelFromFileName(const QString& fileName);
QString eiNameFromFileName(const QString& fileName);

// Where the top-level "signature" text lies in the producer's bytes (offset and length of the
// string's content), for JSON and for CBOR; false with *error set when it cannot be located.
bool locateEiSignature(const QByteArray& bytes, EiEncoding encoding, int* offset, int* length,
                       QString* error);

}  // namespace tinyscope::dataset::formats
