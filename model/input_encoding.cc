#include "model/input_encoding.h"

#include <algorithm>

namespace regserve::model {

InputEncoding::InputEncoding(const std::vector<std::string>& term_names,
                             const std::vector<std::string>& input_names,
                             const std::vector<Factor>& factors)
    : input_names_(input_names.empty() ? term_names : input_names),
      factors_(factors) {
  absl::flat_hash_map<std::string, int> factor_index;
  for (size_t f = 0; f < factors_.size(); ++f) {
    factor_index[factors_[f].name] = static_cast<int>(f);
    auto& levels = level_terms_.emplace_back();
    levels[factors_[f].levels[0]] = -1;
    for (size_t l = 1; l < factors_[f].levels.size(); ++l) {
      levels[factors_[f].levels[l]] = factors_[f].term_indices[l - 1];
    }
  }
  absl::flat_hash_map<std::string, int> term_index;
  for (size_t t = 0; t < term_names.size(); ++t) {
    term_index[term_names[t]] = static_cast<int>(t);
  }
  for (const std::string& name : input_names_) {
    auto f = factor_index.find(name);
    InputRef ref;
    ref.input = static_cast<int>(inputs_.size());
    if (f != factor_index.end()) {
      ref.categorical = true;
      ref.index = f->second;
    } else {
      ref.index = term_index.at(name);
      numeric_terms_.push_back(ref.index);
    }
    input_index_[name] = static_cast<int>(inputs_.size());
    inputs_.push_back(ref);
  }
  std::sort(numeric_terms_.begin(), numeric_terms_.end());
}

const InputRef* InputEncoding::Find(absl::string_view name) const {
  auto it = input_index_.find(name);
  return it == input_index_.end() ? nullptr : &inputs_[it->second];
}

std::optional<int> InputEncoding::LevelTerm(int f,
                                            absl::string_view level) const {
  const auto& levels = level_terms_[f];
  auto it = levels.find(level);
  if (it == levels.end()) return std::nullopt;
  return it->second;
}

void InputEncoding::SetIndicators(int f, int level_term,
                                  absl::Span<double> terms) const {
  for (int t : factors_[f].term_indices) terms[t] = t == level_term ? 1 : 0;
}

void InputEncoding::SumByInput(absl::Span<const double> per_term,
                               absl::Span<double> out) const {
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const InputRef& ref = inputs_[i];
    if (!ref.categorical) {
      out[i] = per_term[ref.index];
      continue;
    }
    double sum = 0;
    for (int t : factors_[ref.index].term_indices) sum += per_term[t];
    out[i] = sum;
  }
}

}  // namespace regserve::model
