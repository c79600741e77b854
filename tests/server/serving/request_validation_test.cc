#include "server/serving/request_validation.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace regserve::server {
namespace {

using ::testing::HasSubstr;

TEST(RequestValidationTest, IntervalLevel) {
  EXPECT_TRUE(ValidateIntervalLevel(0).ok());
  EXPECT_TRUE(ValidateIntervalLevel(0.95).ok());
  for (double bad : {1.0, -0.1, 1.5, std::nan("")}) {
    EXPECT_THAT(ValidateIntervalLevel(bad).message(),
                HasSubstr("interval_level must be 0"))
        << bad;
  }
}

TEST(RequestValidationTest, ModelSpecVersion) {
  regserve::v1::ModelSpec spec;
  spec.set_version(-2);
  EXPECT_THAT(ValidateModelSpec(spec).message(),
              HasSubstr("model_spec.version must be >= 0"));
  spec.set_version(3);
  EXPECT_TRUE(ValidateModelSpec(spec).ok());
}

TEST(RequestValidationTest, BatchShape) {
  regserve::v1::BatchPredictRequest req;
  EXPECT_THAT(ValidateBatchShape(req, 10).message(), HasSubstr("empty batch"));
  req.add_rows();
  EXPECT_TRUE(ValidateBatchShape(req, 10).ok());
  req.mutable_table()->add_columns("a");
  req.mutable_table()->add_values(1);
  EXPECT_THAT(ValidateBatchShape(req, 10).message(),
              HasSubstr("either rows or table, not both"));
  req.clear_rows();
  EXPECT_TRUE(ValidateBatchShape(req, 10).ok());
  for (int i = 0; i < 10; ++i) req.mutable_table()->add_values(i);
  EXPECT_THAT(ValidateBatchShape(req, 10).message(),
              HasSubstr("11 rows, more than the server's limit of 10"));
  regserve::v1::BatchPredictRequest empty_table;
  empty_table.mutable_table()->add_columns("a");
  EXPECT_THAT(ValidateBatchShape(empty_table, 10).message(),
              HasSubstr("empty batch"));
}

}  // namespace
}  // namespace regserve::server
