#pragma once
// 'info' and 'record' on a board running Edge Impulse's firmware (an address with mode=ei):
// the AT+CONFIG? handshake printed like any device's, and samples taken on the board (each of
// --sample-length, until --duration is covered) stored in a dataset with --label. The verbs
// call these when isEiAddress(); one error line and an exit code as every verb.
#include <QCommandLineParser>

namespace tinyscope {
namespace dataset {
class DatasetStore;
}
namespace cli {

bool isEiAddress(const QCommandLineParser& p);
int runEiInfo(const QCommandLineParser& p, bool json);
int runEiRecord(const QString& verb, const QCommandLineParser& p, dataset::DatasetStore* store,
                const QString& label, double seconds, double sampleSeconds, bool json);

}  // namespace cli
}  // namespace tinyscope
