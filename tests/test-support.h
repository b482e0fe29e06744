// Shared helpers for the Qt Test suites: locating the real models in ../shared/models.
#pragma once

#include <QFileInfo>
#include <QString>
#include <QTest>

namespace edgert::test {

/// Absolute path of a file under ../shared/models (EDGERT_SHARED_DIR/models).
inline QString sharedModel(const QString& relative)
{
    return QStringLiteral(EDGERT_SHARED_DIR "/models/") + relative;
}

/// The golden greedy ids from ../shared/models/SOURCES.md (BOS-only prompt, argmax decoding).
inline const std::vector<int>& goldenIdsStories260K()
{
    static const std::vector<int> ids{403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421,
                                      395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292};
    return ids;
}
inline const std::vector<int>& goldenIdsTinyStories656K()
{
    static const std::vector<int> ids{147, 201, 282, 215, 286, 598,  1662, 356, 499, 826, 1363, 1145,
                                      1652, 615, 242, 1482, 951, 628, 499, 826, 872, 921,  318,  385};
    return ids;
}

}  // namespace edgert::test

/// Skips the current test with a message naming the missing file.
#define EDGERT_REQUIRE_FILE(path)                                                                         \
    do {                                                                                                  \
        if (!QFileInfo::exists(path))                                                                     \
            QSKIP(qPrintable(QStringLiteral("shared model file absent: %1 (see ../shared/models/SOURCES.md)") \
                                 .arg(path)));                                                            \
    } while (0)
