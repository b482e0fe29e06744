// "Did you mean ...?" for misspelt names: the closest candidate by edit distance, when it is
// close enough to be a typo rather than a different word.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgert::config {

/// Optimal string alignment distance: insertions, deletions, substitutions and transpositions
/// of adjacent characters each cost 1 ("temprature" -> "temperature" is 1).
std::size_t editDistance(std::string_view a, std::string_view b);

/// The candidate nearest to `word`, if its distance is at most max(1, min(3, |word| / 3));
/// ties go to the earlier candidate.
std::optional<std::string> closestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace edgert::config
