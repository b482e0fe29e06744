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

QString defaultModelsFolder()
{
    const QString candidates[] = {QFileInfo(defaultModelCandidate()).absolutePath(),
                                  QDir::current().filePath(QStringLiteral("../shared/models"))};
    for (const auto& c : candidates)
        if (QFileInfo(c).isDir()) return QDir::cleanPath(QFileInfo(c).absoluteFilePath());
    return QDir::currentPath();
}

QString modelPathForSelection(const QString& selected)
{
    const QFileInfo info(selected);
    const QString name = info.fileName();
    const bool hfMetadata = name == QLatin1String("config.json") || name == QLatin1String("tokenizer.json") ||
                            name == QLatin1String("tokenizer_config.json");
    return hfMetadata ? info.absolutePath() : selected;
}

QString modelDisplayName(const QString& path)
{
    const QString name = QFileInfo(QDir::cleanPath(path)).fileName();
    return name.isEmpty() ? path : name;
}

}  // namespace edgert::qt
