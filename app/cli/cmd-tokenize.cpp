// edge-rt tokenize: the token ids a text becomes with a model's tokenizer, one `id -> 'piece'` line
// per token (or the id list alone), as llama.cpp's llama-tokenize prints them, so a user can see
// why a prompt behaves as it does (a missing BOS, a control token written as plain text, ...).
#include "cli-common.h"
#include "commands.h"

#include "edgert/error.h"
#include "edgert/gguf-reader.h"
#include "edgert/model-graph.h"
#include "edgert/tokenizer.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>

#include <cstdio>
#include <memory>

namespace edgert::cli {

namespace {

/// Largest input file tokenize reads (-f): far above any prompt, small enough to hold in memory.
constexpr qint64 kMaxInputBytes = qint64{64} << 20;

bool isGgufFile(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    if (!QFileInfo(f).isFile() || !f.open(QIODevice::ReadOnly)) return false;
    return f.read(4) == QByteArrayLiteral("GGUF");
}

/// The tokenizer straight from a GGUF's metadata (no architecture support needed), or that of a
/// HF model directory.
std::unique_ptr<Tokenizer> openTokenizer(const std::string& path)
{
    if (isGgufFile(path)) return Tokenizer::fromGguf(GgufFile(path));
    return ModelGraph::open(path).validate().makeTokenizer();
}

std::string readInput(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw IoError("cannot open '" + path.toStdString() + "': " + f.errorString().toStdString());
    if (f.size() > kMaxInputBytes)
        throw UsageError("'" + path.toStdString() + "' has " + std::to_string(f.size()) +
                         " bytes; tokenize reads at most " + std::to_string(kMaxInputBytes));
    const QByteArray bytes = f.read(kMaxInputBytes + 1);
    if (f.error() != QFileDevice::NoError)
        throw IoError("cannot read '" + path.toStdString() + "': " + f.errorString().toStdString());
    return bytes.toStdString();
}

}  // namespace

int tokenizeCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Show the tokens a text becomes with a model's tokenizer: one line `id -> 'piece'` per token "
                       "(control tokens shown by their text), or the id list with --ids."));
    addHelpOption(parser);
    addOptionsShowingDefaults(
        parser, {
                    {QStringLiteral("model"),
                     QStringLiteral("GGUF file or HF model directory (default: $EDGERT_MODEL or the default model)."),
                     QStringLiteral("path")},
                    {{QStringLiteral("p"), QStringLiteral("prompt")},
                     QStringLiteral("The text to tokenize."),
                     QStringLiteral("text")},
                    {{QStringLiteral("f"), QStringLiteral("file")},
                     QStringLiteral("Tokenize the contents of this file (UTF-8)."),
                     QStringLiteral("path")},
                    {QStringLiteral("ids"), QStringLiteral("Print only the ids, as [id, id, ...].")},
                    {QStringLiteral("no-bos"),
                     QStringLiteral("Do not add BOS even if the vocabulary asks for it (add_bos_token).")},
                    {QStringLiteral("parse-special"),
                     QStringLiteral(
                         "Match control tokens written in the text (<|im_start|>, <|eot_id|>, ...) as those tokens.")},
                });
    if (!parser.parse(arguments)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(commandHelp(parser, arguments)), stdout);
        return 0;
    }
    rejectPositional(parser);
    const bool hasPrompt = parser.isSet(QStringLiteral("prompt"));
    const bool hasFile = parser.isSet(QStringLiteral("file"));
    if (hasPrompt == hasFile) throw UsageError("tokenize needs exactly one of --prompt TEXT and -f FILE");
    const std::string text = hasPrompt ? parser.value(QStringLiteral("prompt")).toStdString()
                                       : readInput(parser.value(QStringLiteral("file")));

    const auto tokenizer = openTokenizer(resolveModelPath(parser.value(QStringLiteral("model"))));
    EncodeOptions options;
    if (parser.isSet(QStringLiteral("no-bos"))) options.addBos = false;
    options.parseSpecial = parser.isSet(QStringLiteral("parse-special"));
    const std::vector<TokenId> ids = tokenizer->encode(text, options);

    if (parser.isSet(QStringLiteral("ids"))) {
        std::string line = "[";
        for (std::size_t i = 0; i < ids.size(); ++i) line += (i ? ", " : "") + std::to_string(ids[i]);
        std::printf("%s]\n", line.c_str());
        return 0;
    }
    for (const TokenId id : ids) std::printf("%6d -> '%s'\n", id, tokenizer->piece(id, true).c_str());
    return 0;
}

}  // namespace edgert::cli
