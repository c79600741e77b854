// A model with a categorical feature (models/iris, lm(Sepal.Length ~ .,
// iris) as regserve-train fits it) served over gRPC and JSON: R's fitted
// values and prediction intervals on every path, and the exact status of
// every way a caller can send a categorical feature wrong.
#include <cmath>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/server/http/http_test_client.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

namespace v1 = ::regserve::v1;
using ::testing::HasSubstr;

// Rows 1, 51 and 101 of R's iris, with R 4.2's fitted values and 90%
// prediction intervals from lm(Sepal.Length ~ ., iris).
struct IrisRow {
  double sepal_width, petal_length, petal_width;
  const char* species;
  double fitted, lower, upper;
};
constexpr IrisRow kRows[] = {
    {3.5, 1.4, 0.2, "setosa", 5.004788019, 4.491452051, 5.518123987},
    {3.2, 4.7, 1.4, "versicolor", 6.490778082, 5.973983812, 7.007572352},
    {3.3, 6.0, 2.5, "virginica", 6.971777514, 6.449631035, 7.493923994},
};

void ExpectR(double got, double want) {
  EXPECT_LE(std::fabs(got - want), 1e-6 * std::fabs(want))
      << "got " << got << ", R gives " << want;
}

void FillRow(const IrisRow& r, google::protobuf::Map<std::string, double>* x,
             google::protobuf::Map<std::string, std::string>* categorical) {
  (*x)["Sepal.Width"] = r.sepal_width;
  (*x)["Petal.Length"] = r.petal_length;
  (*x)["Petal.Width"] = r.petal_width;
  (*categorical)["Species"] = r.species;
}

class CategoricalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto options = testing::TestServerOptions();
    options.http_port = ServerOptions::kAnyPort;
    options.metrics_port = ServerOptions::kAnyPort;
    server_ = testing::StartTestServer(options);
    ASSERT_NE(server_, nullptr);
    stub_ = v1::PredictionService::NewStub(testing::Connect(server_->port()));
  }

  static v1::PredictRequest Request(const IrisRow& r) {
    v1::PredictRequest request;
    request.mutable_model_spec()->set_name("iris");
    FillRow(r, request.mutable_features(),
            request.mutable_categorical_features());
    return request;
  }

  grpc::Status Predict(const v1::PredictRequest& request,
                       v1::PredictResponse* response) {
    grpc::ClientContext ctx;
    return stub_->Predict(&ctx, request, response);
  }

  grpc::Status BatchPredict(const v1::BatchPredictRequest& request,
                            v1::BatchPredictResponse* response) {
    grpc::ClientContext ctx;
    return stub_->BatchPredict(&ctx, request, response);
  }

  // The status message of a refused Predict; fails if it was answered.
  std::string Refusal(const v1::PredictRequest& request) {
    v1::PredictResponse response;
    grpc::Status status = Predict(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    return status.error_message();
  }

  double Metric(const std::string& series) {
    auto text = testing::HttpGet(server_->metrics_port(), "/metrics");
    EXPECT_TRUE(text.ok()) << text.status();
    auto samples = testing::ParseExposition(text.ok() ? *text : "");
    auto it = samples.find(series);
    return it == samples.end() ? 0 : it->second;
  }

  std::unique_ptr<RegserveServer> server_;
  std::unique_ptr<v1::PredictionService::Stub> stub_;
};

TEST_F(CategoricalTest, PredictMatchesRWithIntervals) {
  for (const IrisRow& r : kRows) {
    v1::PredictRequest request = Request(r);
    request.set_interval_level(0.9);
    v1::PredictResponse response;
    ASSERT_TRUE(Predict(request, &response).ok()) << r.species;
    ExpectR(response.prediction(), r.fitted);
    ExpectR(response.interval().lower(), r.lower);
    ExpectR(response.interval().upper(), r.upper);
  }
}

TEST_F(CategoricalTest, ContributionsArePerInputAndSumToThePrediction) {
  v1::PredictRequest request = Request(kRows[2]);
  request.set_explain(true);
  v1::PredictResponse response;
  ASSERT_TRUE(Predict(request, &response).ok());
  ASSERT_EQ(response.contributions_size(), 4);
  ASSERT_TRUE(response.contributions().contains("Species"));
  double sum = response.baseline();
  for (const auto& [name, value] : response.contributions()) sum += value;
  EXPECT_NEAR(sum, response.prediction(), 1e-12);
}

TEST_F(CategoricalTest, BatchRowsAndTableMatchR) {
  v1::BatchPredictRequest rows;
  rows.mutable_model_spec()->set_name("iris");
  rows.set_interval_level(0.9);
  v1::BatchPredictRequest table = rows;
  v1::Table* t = table.mutable_table();
  // Columns out of model order, and the categorical column in its own part.
  for (const char* c : {"Petal.Width", "Sepal.Width", "Petal.Length"}) {
    t->add_columns(c);
  }
  t->add_categorical_columns("Species");
  for (const IrisRow& r : kRows) {
    v1::Row* row = rows.add_rows();
    FillRow(r, row->mutable_features(), row->mutable_categorical_features());
    for (double v : {r.petal_width, r.sepal_width, r.petal_length}) {
      t->add_values(v);
    }
    t->add_categorical_values(r.species);
  }
  for (const v1::BatchPredictRequest* request : {&rows, &table}) {
    v1::BatchPredictResponse response;
    ASSERT_TRUE(BatchPredict(*request, &response).ok());
    ASSERT_EQ(response.predictions_size(), 3);
    for (int i = 0; i < 3; ++i) {
      ExpectR(response.predictions(i), kRows[i].fitted);
      ExpectR(response.intervals(i).lower(), kRows[i].lower);
      ExpectR(response.intervals(i).upper(), kRows[i].upper);
    }
  }
}

TEST_F(CategoricalTest, UnknownLevelIsRefusedNamedAndCounted) {
  const std::string series =
      R"(regserve_unknown_levels_total{feature="Species",model="iris"})";
  EXPECT_EQ(Metric(series), 0);
  const std::string rows_series =
      R"(regserve_rows_predicted_total{model="iris",version="1"})";
  const double rows_before = Metric(rows_series);
  v1::PredictRequest request = Request(kRows[0]);
  (*request.mutable_categorical_features())["Species"] = "arctica";
  EXPECT_EQ(Refusal(request),
            "categorical feature Species has unknown level arctica; known "
            "levels [setosa, versicolor, virginica]");
  v1::BatchPredictRequest batch;
  batch.mutable_model_spec()->set_name("iris");
  v1::Table* t = batch.mutable_table();
  for (const char* c : {"Sepal.Width", "Petal.Length", "Petal.Width"}) {
    t->add_columns(c);
    t->add_values(1);
    t->add_values(1);
  }
  t->add_categorical_columns("Species");
  t->add_categorical_values("setosa");
  t->add_categorical_values("Setosa");
  v1::BatchPredictResponse response;
  grpc::Status status = BatchPredict(batch, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("table row 1: categorical feature Species has unknown "
                        "level Setosa"));
  EXPECT_EQ(Metric(series), 2);
  // Every unknown level a refused batch carries is counted: rows 1 and 2.
  v1::BatchPredictRequest rows;
  rows.mutable_model_spec()->set_name("iris");
  for (const char* level : {"setosa", "Virginica", "arctica"}) {
    v1::Row* row = rows.add_rows();
    FillRow(kRows[0], row->mutable_features(),
            row->mutable_categorical_features());
    (*row->mutable_categorical_features())["Species"] = level;
  }
  status = BatchPredict(rows, &response);
  EXPECT_THAT(status.error_message(),
              HasSubstr("rows[1]: categorical feature Species has unknown "
                        "level Virginica"));
  EXPECT_EQ(Metric(series), 4);
  EXPECT_EQ(Metric(rows_series), rows_before);  // refused calls count no rows
}

TEST_F(CategoricalTest, EachFeatureInTheWrongPlaceGetsItsOwnStatus) {
  v1::PredictRequest missing = Request(kRows[0]);
  missing.mutable_categorical_features()->clear();
  EXPECT_EQ(Refusal(missing), "missing features [Species]");

  v1::PredictRequest as_number = missing;
  (*as_number.mutable_features())["Species"] = 1;
  EXPECT_EQ(Refusal(as_number),
            "features: feature Species is categorical: send its level as a "
            "string in categorical_features");

  v1::PredictRequest numeric_as_level = Request(kRows[0]);
  numeric_as_level.mutable_features()->erase("Petal.Width");
  (*numeric_as_level.mutable_categorical_features())["Petal.Width"] = "0.2";
  EXPECT_EQ(Refusal(numeric_as_level),
            "categorical_features: feature Petal.Width is numeric: send it as "
            "a number in features");

  v1::PredictRequest term = Request(kRows[0]);
  (*term.mutable_features())["Speciesversicolor"] = 1;
  EXPECT_EQ(Refusal(term), "unknown features [Speciesversicolor]");

  // A model without categorical features.
  v1::PredictRequest boston = testing::SeedRequest();
  (*boston.mutable_categorical_features())["CHAS"] = "1";
  EXPECT_EQ(Refusal(boston),
            "categorical_features: feature CHAS is numeric: send it as a "
            "number in features");
}

TEST_F(CategoricalTest, TableColumnsOfTheWrongKind) {
  v1::BatchPredictRequest batch;
  batch.mutable_model_spec()->set_name("iris");
  v1::Table* t = batch.mutable_table();
  for (const char* c : {"Sepal.Width", "Petal.Length", "Petal.Width"}) {
    t->add_categorical_columns(c);
    t->add_categorical_values("1");
  }
  t->add_categorical_columns("Species");
  t->add_categorical_values("setosa");
  v1::BatchPredictResponse response;
  grpc::Status status = BatchPredict(batch, &response);
  EXPECT_EQ(status.error_message(),
            "table.categorical_columns: feature Sepal.Width is numeric: send "
            "it as a number in table.columns");
  t->add_categorical_values("setosa");  // 5 levels over 4 columns
  status = BatchPredict(batch, &response);
  EXPECT_EQ(status.error_message(),
            "table.categorical_values has 5 values, not a multiple of its 4 "
            "columns");
}

TEST_F(CategoricalTest, MetadataKeepsNumericFieldsPairedAndAddsInputsTerms) {
  v1::GetModelMetadataRequest request;
  request.mutable_model_spec()->set_name("iris");
  v1::GetModelMetadataResponse metadata;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetModelMetadata(&ctx, request, &metadata).ok());
  ASSERT_EQ(metadata.feature_names_size(), 3);
  ASSERT_EQ(metadata.coefficients_size(), 3);
  ASSERT_EQ(metadata.feature_domains_size(), 3);
  EXPECT_EQ(metadata.feature_names(1), "Petal.Length");
  EXPECT_EQ(metadata.feature_domains(1).name(), "Petal.Length");
  ExpectR(metadata.coefficients(1), 0.8292439122);
  ASSERT_EQ(metadata.inputs_size(), 4);
  const v1::InputFeature& species = metadata.inputs(3);
  EXPECT_EQ(species.name(), "Species");
  EXPECT_EQ(species.kind(), v1::FEATURE_KIND_CATEGORICAL);
  ASSERT_EQ(species.levels_size(), 3);
  EXPECT_EQ(species.levels(0).name(), "setosa");
  EXPECT_EQ(species.levels(2).training_count(), 50);
  EXPECT_DOUBLE_EQ(species.levels(2).training_frequency(), 50.0 / 150);
  EXPECT_EQ(metadata.inputs(0).kind(), v1::FEATURE_KIND_NUMERIC);
  ASSERT_EQ(metadata.terms_size(), 5);
  EXPECT_EQ(metadata.terms(4).name(), "Speciesvirginica");
  EXPECT_EQ(metadata.terms(4).feature(), "Species");
  EXPECT_EQ(metadata.terms(4).level(), "virginica");
  ExpectR(metadata.terms(4).coefficient(), -1.0234978145);
  EXPECT_EQ(metadata.terms(0).feature(), "Sepal.Width");
  EXPECT_EQ(metadata.terms(0).level(), "");
}

TEST_F(CategoricalTest, JsonReadsValuesByTheModelsFeatureKinds) {
  const std::string path = "/v1/models/iris:predict";
  // Strings in features: a level for Species, a numeric string for a
  // numeric feature (protobuf's JSON mapping).
  auto ok = testing::HttpCall(
      server_->http_port(), "POST", path,
      R"({"features": {"Sepal.Width": 3.3, "Petal.Length": "6.0",
          "Petal.Width": 2.5, "Species": "virginica"}})");
  ASSERT_TRUE(ok.ok());
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_THAT(ok->body, HasSubstr("\"prediction\":6.97177751"));
  auto number = testing::HttpCall(
      server_->http_port(), "POST", path,
      R"({"features": {"Sepal.Width": 3.3, "Petal.Length": 6.0,
          "Petal.Width": 2.5, "Species": 2}})");
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(number->status, 400);
  EXPECT_THAT(number->body, HasSubstr("feature Species is categorical"));
  auto rows = testing::HttpCall(
      server_->http_port(), "POST", "/v1/models/iris:batchPredict",
      R"({"rows": [{"features": {"Sepal.Width": 3.5, "Petal.Length": 1.4,
          "Petal.Width": 0.2, "Species": "setosa"}},
          {"features": {"Sepal.Width": 3.2, "Petal.Length": 4.7,
          "Petal.Width": 1.4}, "categorical_features": {"Species":
          "versicolor"}}]})");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->status, 200) << rows->body;
  EXPECT_THAT(rows->body, HasSubstr("5.00478801"));
  EXPECT_THAT(rows->body, HasSubstr("6.49077808"));
}

}  // namespace
}  // namespace regserve::server
