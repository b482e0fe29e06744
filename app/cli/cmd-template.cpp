// edge-rt template: the exact prompt text a conversation becomes with a model's chat template,
// for checking a template and for users debugging one. Reads only metadata (the GGUF header or
// the HF tokenizer_config.json), so a vocabulary-only GGUF works.
#include "cli-common.h"
#include "commands.h"

#include "edgert/chat-template.h"
#include "edgert/error.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace edgert::cli {

namespace {

/// Largest messages file read: far above any conversation a context holds.
constexpr qint64 kMaxMessagesBytes = qint64{16} << 20;

/// FILE: a JSON list of {"role": "...", "content": "..."}. Errors name the file and the element.
std::vector<ChatMessage> readMessages(const QString& path)
{
    const std::string where = "'" + path.toStdString() + "'";
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) throw IoError("cannot open " + where + ": " + f.errorString().toStdString());
    if (f.size() > kMaxMessagesBytes)
        throw UsageError(where + " has " + std::to_string(f.size()) + " bytes; at most " +
                         std::to_string(kMaxMessagesBytes) + " are read");
    const QByteArray bytes = f.read(kMaxMessagesBytes + 1);
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        throw FormatError(where + ": malformed JSON at byte " + std::to_string(error.offset) + ": " +
                          error.errorString().toStdString());
    if (!doc.isArray()) throw FormatError(where + ": expected a JSON list of {\"role\", \"content\"} objects");
    std::vector<ChatMessage> messages;
    const QJsonArray list = doc.array();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const std::string item = where + ": message [" + std::to_string(i) + "]";
        if (!list[i].isObject()) throw FormatError(item + " is not an object");
        const QJsonObject o = list[i].toObject();
        const QJsonValue role = o.value(QStringLiteral("role"));
        const QJsonValue content = o.value(QStringLiteral("content"));
        if (!role.isString() || role.toString().isEmpty()) throw FormatError(item + " has no \"role\" string");
        if (!content.isString()) throw FormatError(item + " has no \"content\" string");
        messages.push_back({role.toString().toStdString(), content.toString().toStdString()});
    }
    return messages;
}

}  // namespace

int templateCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Print the prompt text a conversation becomes with the model's chat template (recognised as llama.cpp's "
        "built-in formatter does), exactly, with no newline added. Reads only the model's metadata."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("model"),
         QStringLiteral("GGUF file (a vocabulary-only one works) or HF model directory (default: $EDGERT_MODEL or "
                        "the default model)."),
         QStringLiteral("path")},
        {QStringLiteral("messages"),
         QStringLiteral("JSON file: a list of {\"role\": \"system|user|assistant\", \"content\": \"...\"}."),
         QStringLiteral("file")},
        {QStringLiteral("no-generation-prompt"), QStringLiteral("Do not end with the opening of an assistant turn.")},
        {QStringLiteral("chat-template"),
         QStringLiteral("Use this template family instead of the model's: %1.").arg(QString::fromStdString([] {
             std::string s;
             for (const std::string& n : chatFormatNames()) s += (s.empty() ? "" : ", ") + n;
             return s;
         }())),
         QStringLiteral("name")},
        {QStringLiteral("chat-template-file"),
         QStringLiteral("Read the template text (Jinja, recognised the same way) from this file."),
         QStringLiteral("file")},
        {QStringLiteral("show-template"),
         QStringLiteral("Print only which template family is used and where it came from.")},
    });
    if (!parser.parse(arguments)) throw UsageError(parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    rejectPositional(parser);
    const bool showOnly = parser.isSet(QStringLiteral("show-template"));
    if (!showOnly && !parser.isSet(QStringLiteral("messages")))
        throw UsageError("template needs --messages FILE (a JSON list of {\"role\", \"content\"})");

    const std::string model = resolveModelPath(parser.value(QStringLiteral("model")));
    const ChatTemplate chat =
        resolveChatTemplate(model, {parser.value(QStringLiteral("chat-template")).toStdString(),
                                    parser.value(QStringLiteral("chat-template-file")).toStdString()});
    if (!chat.note.empty()) std::fprintf(stderr, "edge-rt template: note: %s\n", chat.note.c_str());
    if (showOnly) {
        std::printf("%s (from %s)\n", chat.name().c_str(), chat.source.c_str());
        return 0;
    }
    const std::vector<ChatMessage> messages = readMessages(parser.value(QStringLiteral("messages")));
    const std::string text = chat.render(messages, !parser.isSet(QStringLiteral("no-generation-prompt")));
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return 0;
}

}  // namespace edgert::cli
