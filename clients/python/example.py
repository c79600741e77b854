#!/usr/bin/python3
"""Calls every regserve RPC once and shows how errors come back.

Usage: clients/python/generate.sh && /usr/bin/python3 clients/python/example.py --target localhost:50051
         [--tls_ca ca.pem [--tls_cert client.pem --tls_key client.key]
          [--tls_server_name NAME]]
Exits 0 when every call behaved as shown (the two error calls must fail
with INVALID_ARGUMENT and NOT_FOUND), else 1.
"""

import argparse
import sys

from regserve_client import RegserveClient, RegserveError

# Row 1 and row 2 of data/boston_housing.csv (without MEDV).
COLUMNS = ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD",
           "TAX", "PTRATIO", "B", "LSTAT"]
ROW1 = [0.00632, 18, 2.31, 0, 0.538, 6.575, 65.2, 4.09, 1, 296, 15.3, 396.9,
        4.98]
ROW2 = [0.02731, 0, 7.07, 0, 0.469, 6.421, 78.9, 4.9671, 2, 242, 17.8, 396.9,
        9.14]


def fmt(values):
    return " ".join(f"{v:.8f}" for v in values)


def expect_error(what, want_code, call):
    """Runs call, which must fail with want_code; prints the error."""
    try:
        call()
    except RegserveError as e:
        print(f"{e.code} ({what}): {e.message}")
        return e.code == want_code
    print(f"{what}: unexpected success, wanted {want_code}")
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="localhost:50051",
                        help="regserve-server address, HOST:PORT")
    parser.add_argument("--tls_ca", default="",
                        help="PEM CA bundle that signs the server's "
                        "certificate; set = TLS, empty = plaintext")
    parser.add_argument("--tls_cert", default="",
                        help="PEM client certificate (mutual TLS); needs "
                        "--tls_key and --tls_ca")
    parser.add_argument("--tls_key", default="",
                        help="PEM private key of --tls_cert")
    parser.add_argument("--tls_server_name", default="",
                        help="name to verify the server's certificate "
                        "against instead of the --target host")
    args = parser.parse_args()
    try:
        client = RegserveClient(
            args.target, timeout=5.0, ca_file=args.tls_ca or None,
            cert_file=args.tls_cert or None, key_file=args.tls_key or None,
            server_name=args.tls_server_name or None)
    except (OSError, ValueError) as e:
        parser.error(str(e))  # exits 2
    row1 = dict(zip(COLUMNS, ROW1))
    ok = True
    with client:
        p = client.predict(row1)
        print(f"Predict: {p.prediction:.8f} ({p.model} version {p.version})")

        p = client.predict(row1, interval_level=0.95, explain=True)
        print(f"Predict interval 0.95: [{p.interval.lower:.8f}, "
              f"{p.interval.upper:.8f}]")
        total = p.baseline + sum(p.contributions.values())
        print(f"Predict explain: baseline {p.baseline:.8f}, "
              f"LSTAT {p.contributions['LSTAT']:+.8f}, "
              f"baseline + contributions {total:.8f}")

        b = client.batch_predict_rows([row1, dict(zip(COLUMNS, ROW2))])
        print(f"BatchPredict rows: {fmt(b.predictions)}")

        b = client.batch_predict_table(COLUMNS, [ROW1, ROW2])
        print(f"BatchPredict table: {fmt(b.predictions)}")

        m = client.metadata()
        print(f"GetModelMetadata: {m.model} version {m.version}, target "
              f"{m.target_name}, {m.model_type}, {len(m.feature_names)} "
              f"features: {' '.join(m.feature_names)}")

        for s in client.list_models():
            versions = ", ".join(f"{v.version} {v.state}" for v in s.versions)
            default = " (default)" if s.is_default else ""
            print(f"ListModels: {s.name} [{versions}]{default}")

        # A model with a categorical feature: its level is a str (iris row
        # 101; R's lm(Sepal.Length ~ ., iris) fits 6.971777514).
        iris = {"Sepal.Width": 3.3, "Petal.Length": 6.0, "Petal.Width": 2.5,
                "Species": "virginica"}
        p = client.predict(iris, model="iris")
        print(f"Predict categorical: {p.prediction:.8f} ({p.model} version "
              f"{p.version})")
        # Values as a CSV reader gives them, all strings: which are levels
        # comes from the model's metadata, not from the values' type.
        p = client.predict({k: str(v) for k, v in iris.items()}, model="iris")
        print(f"Predict from strings: {p.prediction:.8f}")
        b = client.batch_predict_table(
            ["Sepal.Width", "Petal.Length", "Petal.Width"],
            [[3.5, 1.4, 0.2], [3.3, 6.0, 2.5]], model="iris",
            categorical_columns=["Species"],
            categorical_rows=[["setosa"], ["virginica"]])
        print(f"BatchPredict categorical table: {fmt(b.predictions)}")

        # Errors arrive as RegserveError with the gRPC status name.
        ok &= expect_error("unknown level", "INVALID_ARGUMENT",
                           lambda: client.predict(dict(iris, Species="arctica"),
                                                  model="iris"))
        ok &= expect_error("missing features", "INVALID_ARGUMENT",
                           lambda: client.predict({"CRIM": 0.00632}))
        ok &= expect_error("unknown model", "NOT_FOUND",
                           lambda: client.predict(row1, model="no_such_model"))
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RegserveError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
