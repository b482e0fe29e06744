// Where the dashboard finds its model when none is named: the same rule as the CLI.
#pragma once

#include <QString>

namespace edgert::qt {

/// The default model: $EDGERT_MODEL, else ../shared/models/tinystories-656k-q8_0.gguf beside the
/// source checkout, else beside the current directory. Empty when none of them exists.
QString defaultModelPath();

/// Where defaultModelPath() looked first (for "not found" messages).
QString defaultModelCandidate();

/// The folder an Open dialog starts in when nothing was opened before: ../shared/models beside
/// the source checkout or beside the current directory, else the current directory.
QString defaultModelsFolder();

/// What a user picked in a file dialog, as the path the engine opens: a HF model directory's
/// config.json, tokenizer.json or tokenizer_config.json stands for the directory; anything else
/// is returned unchanged.
QString modelPathForSelection(const QString& selected);

/// The name to show for a model path: the file name, or the directory's name for a directory
/// (also when the path ends in '/').
QString modelDisplayName(const QString& path);

}  // namespace edgert::qt
