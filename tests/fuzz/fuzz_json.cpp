// The JSON layer (engine/src/io/json-parser: nlohmann-json plus edge-rt's checks), and the
// summaries and integer conversions callers use on every value.
#include "fuzz-support.h"

#include "io/json-parser.h"

namespace {

std::size_t walk(const edgert::json::Value& v)
{
    std::size_t n = edgert::json::summary(v).size() + (v.asUInt64() ? 1 : 0) + (v.asInt64() ? 1 : 0);
    for (const auto& item : v.items()) n += walk(item);
    for (const auto& m : v.members()) {
        if (v.find(m.key) != &m.value) std::abort();  // keys are unique, so find() returns this member
        n += walk(m.value);
    }
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace edgert;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz::expectSuccessOrError([&] { (void)walk(json::parse(text, "fuzz.json", 8)); });
    return 0;
}
