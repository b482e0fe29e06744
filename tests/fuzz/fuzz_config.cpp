// The TOML configuration loader (toml++ plus edge-rt's schema, ranges and cross-key checks).
#include "fuzz-support.h"

#include "edgert/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace edgert;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz::expectSuccessOrError([&] { (void)parseConfig(text, "/etc/edge-rt/fuzz.toml"); });
    return 0;
}
