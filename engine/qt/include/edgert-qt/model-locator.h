// Where the dashboard finds its model when none is named: the same rule as the CLI.
#pragma once

#include <QString>

namespace edgert::qt {

/// The default model: $EDGERT_MODEL, else ../shared/models/tinystories-656k-q8_0.gguf beside the
/// source checkout, else beside the current directory. Empty when none of them exists.
QString defaultModelPath();

/// Where defaultModelPath() looked first (for "not found" messages).
QString defaultModelCandidate();

}  // namespace edgert::qt
