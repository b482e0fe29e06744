// Writing SafeTensors files in tests: well-formed ones from tensors, and raw ones from a header
// string, so that corrupted headers can be built byte for byte.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace edgert::test {

/// One tensor to write: dtype name, shape (row-major) and raw bytes.
struct StTensor {
    QString name;
    QString dtype;
    std::vector<qint64> shape;
    QByteArray bytes;
};

/// 8-byte little-endian header length (or `lengthOverride`), the header, the data.
inline void writeRawSafeTensors(const QString& path, const QByteArray& header, const QByteArray& data,
                                std::uint64_t lengthOverride = ~0ull)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    const std::uint64_t n = lengthOverride == ~0ull ? static_cast<std::uint64_t>(header.size()) : lengthOverride;
    char len[8];
    std::memcpy(len, &n, 8);
    f.write(len, 8);
    f.write(header);
    f.write(data);
}

/// A well-formed file holding `tensors` in order, with optional __metadata__.
inline void writeSafeTensors(const QString& path, const std::vector<StTensor>& tensors,
                             const QJsonObject& metadata = {})
{
    QJsonObject header;
    if (!metadata.isEmpty()) header.insert(QStringLiteral("__metadata__"), metadata);
    QByteArray data;
    for (const auto& t : tensors) {
        QJsonArray shape;
        for (auto d : t.shape) shape.append(d);
        const qint64 begin = data.size();
        data += t.bytes;
        header.insert(t.name, QJsonObject{{QStringLiteral("dtype"), t.dtype},
                                          {QStringLiteral("shape"), shape},
                                          {QStringLiteral("data_offsets"), QJsonArray{begin, data.size()}}});
    }
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    while (json.size() % 8 != 0) json += ' ';  // the format allows space padding
    writeRawSafeTensors(path, json, data);
}

/// Raw bytes of f32 values.
inline QByteArray f32Bytes(const std::vector<float>& values)
{
    return QByteArray(reinterpret_cast<const char*>(values.data()),
                      static_cast<qsizetype>(values.size() * sizeof(float)));
}

}  // namespace edgert::test
