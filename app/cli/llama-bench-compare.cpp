#include "llama-bench-compare.h"

#include "edgert/error.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace edgert::cli {

std::map<int, LlamaBenchResult> runLlamaBench(const std::string& binary, const std::string& model,
                                              const std::vector<int>& threads, unsigned nPrompt, unsigned nGen,
                                              int reps, int timeoutSeconds)
{
    std::map<int, LlamaBenchResult> out;
    for (int t : threads) {
        const QStringList args{QStringLiteral("-m"),  QString::fromStdString(model), QStringLiteral("-t"),
                               QString::number(t),    QStringLiteral("-p"),          QString::number(nPrompt),
                               QStringLiteral("-n"),  QString::number(nGen),         QStringLiteral("-r"),
                               QString::number(reps), QStringLiteral("-o"),          QStringLiteral("json")};
        const std::string what = binary + " " + args.join(QLatin1Char(' ')).toStdString();
        QProcess p;
        p.start(QString::fromStdString(binary), args);
        if (!p.waitForStarted(10000))
            throw IoError("--compare-llama-bench: cannot start " + binary + ": " + p.errorString().toStdString());
        if (!p.waitForFinished(timeoutSeconds * 1000)) {
            p.kill();
            p.waitForFinished(5000);
            throw IoError("--compare-llama-bench: " + what + " did not finish within " +
                          std::to_string(timeoutSeconds) + " s");
        }
        const QByteArray err = p.readAllStandardError();
        const std::string errTail = err.right(400).toStdString();
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            throw IoError("--compare-llama-bench: " + what + " failed (exit code " + std::to_string(p.exitCode()) +
                          "): " + errTail);
        QJsonParseError parseError{};
        const auto doc = QJsonDocument::fromJson(p.readAllStandardOutput(), &parseError);
        if (!doc.isArray())
            throw IoError("--compare-llama-bench: " + what + " printed no JSON array (" +
                          parseError.errorString().toStdString() + "): " + errTail);
        LlamaBenchResult r;
        bool havePp = false, haveTg = false;
        for (const auto& v : doc.array()) {
            const auto o = v.toObject();
            const LlamaBenchRate rate{o.value(QStringLiteral("avg_ts")).toDouble(),
                                      o.value(QStringLiteral("stddev_ts")).toDouble()};
            if (o.value(QStringLiteral("n_prompt")).toInt() > 0 && o.value(QStringLiteral("n_gen")).toInt() == 0) {
                r.pp = rate;
                havePp = true;
            } else if (o.value(QStringLiteral("n_gen")).toInt() > 0 &&
                       o.value(QStringLiteral("n_prompt")).toInt() == 0) {
                r.tg = rate;
                haveTg = true;
            }
        }
        if (!havePp || !haveTg) throw IoError("--compare-llama-bench: " + what + " printed no pp and tg results");
        out[t] = r;
    }
    return out;
}

}  // namespace edgert::cli
