#include "model/student_t.h"

#include <cmath>

#include "boost/math/distributions/students_t.hpp"

namespace regserve::model {

double TwoSidedTQuantile(double level, double df) {
  boost::math::students_t dist(df);
  return boost::math::quantile(boost::math::complement(dist, (1 - level) / 2));
}

double TwoSidedPValue(double t, double df) {
  boost::math::students_t dist(df);
  return 2 * boost::math::cdf(boost::math::complement(dist, std::fabs(t)));
}

}  // namespace regserve::model
