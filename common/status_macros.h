// Early-return helpers for absl::Status, which Abseil 20220623 lacks.
//
//   RETURN_IF_ERROR(DoThing());
//   ASSIGN_OR_RETURN(auto value, ComputeValue());
#ifndef REGSERVE_COMMON_STATUS_MACROS_H_
#define REGSERVE_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define REGSERVE_CONCAT_INNER_(a, b) a##b
#define REGSERVE_CONCAT_(a, b) REGSERVE_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if it is not OK.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::absl::Status regserve_status_ = (expr);            \
    if (!regserve_status_.ok()) return regserve_status_; \
  } while (false)

// Evaluates a StatusOr expression; returns its status on error, else moves
// the value into `lhs` (which may be a declaration).
#define ASSIGN_OR_RETURN(lhs, expr) \
  REGSERVE_ASSIGN_OR_RETURN_IMPL_(  \
      REGSERVE_CONCAT_(regserve_statusor_, __LINE__), lhs, expr)

// `lhs` may be a declaration, so it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define REGSERVE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // REGSERVE_COMMON_STATUS_MACROS_H_
