#include "model/student_t.h"

#include <cmath>

#include "boost/math/distributions/students_t.hpp"
#include "boost/math/policies/policy.hpp"

namespace regserve::model {
namespace {

// Boost.Math throws on overflow and domain errors by default; an exception
// must not escape the model layer (a fuzzed artifact with a tiny df crashed
// the server that way), so errors return +inf or NaN instead.
using NoThrow = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<
        boost::math::policies::ignore_error>>;
using StudentsT = boost::math::students_t_distribution<double, NoThrow>;

}  // namespace

double TwoSidedTQuantile(double level, double df) {
  StudentsT dist(df);
  return boost::math::quantile(boost::math::complement(dist, (1 - level) / 2));
}

double TwoSidedPValue(double t, double df) {
  StudentsT dist(df);
  return 2 * boost::math::cdf(boost::math::complement(dist, std::fabs(t)));
}

}  // namespace regserve::model
