#include "edgert-qt/model-locator.h"

#include <QDir>
#include <QFileInfo>

namespace edgert::qt {

namespace {
constexpr auto kDefaultModelRelative = "../shared/models/tinystories-656k-q8_0.gguf";
}

QString defaultModelCandidate()
{
    return QDir::cleanPath(QDir(QStringLiteral(EDGERT_SOURCE_DIR)).filePath(QLatin1String(kDefaultModelRelative)));
}

QString defaultModelPath()
{
    const QString env = qEnvironmentVariable("EDGERT_MODEL");
    if (!env.isEmpty() && QFileInfo(env).isFile()) return QFileInfo(env).absoluteFilePath();
    const QString candidates[] = {defaultModelCandidate(),
                                  QDir::current().filePath(QLatin1String(kDefaultModelRelative))};
    for (const auto& c : candidates)
        if (QFileInfo(c).isFile()) return QDir::cleanPath(QFileInfo(c).absoluteFilePath());
    return {};
}

}  // namespace edgert::qt
