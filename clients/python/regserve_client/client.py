"""A small typed client for regserve.v1.PredictionService.

Wraps the stubs that ``clients/python/generate.sh`` generates into
``regserve_client/gen/`` and turns responses into dataclasses and gRPC
errors into :class:`RegserveError`.

    with RegserveClient("localhost:50051") as client:
        result = client.predict({"CRIM": 0.00632, ..., "LSTAT": 4.98})
        print(result.prediction)  # 30.00384338...

TLS (mutual TLS with cert_file and key_file):

    RegserveClient("localhost:50051", ca_file="tls/ca.pem",
                   cert_file="tls/client.pem", key_file="tls/client.key")
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import grpc

# The generated modules import each other as top-level "regserve.v1.*", so
# their output folder goes on the path.
_GEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen")
if _GEN_DIR not in sys.path:
    sys.path.insert(0, _GEN_DIR)
try:
    from regserve.v1 import prediction_service_pb2 as pb  # noqa: E402
    from regserve.v1 import prediction_service_pb2_grpc as pb_grpc  # noqa: E402
except ImportError as e:  # pragma: no cover - a setup mistake, not a bug
    raise ImportError(
        f"regserve stubs not found in {_GEN_DIR}: run clients/python/generate.sh "
        f"first ({e})"
    ) from e

__all__ = [
    "BatchPrediction",
    "FeatureDomain",
    "Interval",
    "ModelMetadata",
    "ModelStatus",
    "Prediction",
    "RegserveClient",
    "RegserveError",
    "VersionStatus",
]


class RegserveError(Exception):
    """A failed call: ``code`` is the gRPC status name, e.g. "NOT_FOUND"."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Interval:
    lower: float
    upper: float


@dataclass(frozen=True)
class Prediction:
    """One prediction and the model version that made it."""

    prediction: float
    model: str
    version: int
    interval: Optional[Interval] = None  # set when interval_level > 0
    contributions: Dict[str, float] = field(default_factory=dict)  # explain
    baseline: Optional[float] = None  # set when explain


@dataclass(frozen=True)
class BatchPrediction:
    """One prediction per input row, in input order."""

    predictions: List[float]
    model: str
    version: int
    intervals: List[Interval] = field(default_factory=list)


@dataclass(frozen=True)
class FeatureDomain:
    name: str
    min: float
    max: float
    mean: float
    stddev: float


@dataclass(frozen=True)
class ModelMetadata:
    model: str
    version: int
    feature_names: List[str]
    target_name: str
    model_type: str
    intercept: float
    coefficients: Dict[str, float]
    observations: int
    r_squared: float
    adjusted_r_squared: float
    rmse: float
    cv_rmse: float
    feature_domains: List[FeatureDomain]
    # Levels of each categorical feature, the first the baseline (treatment
    # contrasts); empty for a model with numeric features only.
    categorical_levels: Dict[str, List[str]]
    loaded_versions: List[int]
    training_data_sha256: str
    raw: pb.GetModelMetadataResponse = field(repr=False, compare=False)


@dataclass(frozen=True)
class VersionStatus:
    version: int
    state: str  # "AVAILABLE", "LOADING", "FAILED" or "UNLOADING"
    reason: str = ""


@dataclass(frozen=True)
class ModelStatus:
    name: str
    versions: List[VersionStatus]
    version_labels: Dict[str, int]
    is_default: bool


def _interval(i: pb.Interval) -> Interval:
    return Interval(lower=i.lower, upper=i.upper)


def _domain(d: pb.FeatureDomain) -> FeatureDomain:
    return FeatureDomain(d.name, d.min, d.max, d.mean, d.stddev)


@dataclass(frozen=True)
class _TlsFiles:
    ca_file: Optional[str]
    cert_file: Optional[str]
    key_file: Optional[str]
    server_name: Optional[str]

    def any(self) -> bool:
        return any((self.ca_file, self.cert_file, self.key_file,
                    self.server_name))

    def channel(self, target: str) -> grpc.Channel:
        if not self.ca_file:
            if self.any():
                raise ValueError(
                    "cert_file, key_file and server_name need ca_file")
            return grpc.insecure_channel(target)
        if bool(self.cert_file) != bool(self.key_file):
            raise ValueError("cert_file and key_file must be given together")

        def read(path: Optional[str]) -> Optional[bytes]:
            if not path:
                return None
            with open(path, "rb") as f:
                return f.read()

        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(self.ca_file),
            private_key=read(self.key_file),
            certificate_chain=read(self.cert_file))
        options: List[Tuple[str, str]] = []
        if self.server_name:
            options.append(("grpc.ssl_target_name_override", self.server_name))
        return grpc.secure_channel(target, credentials, options=options)


class RegserveClient:
    """Blocking client; one channel, safe to share between threads."""

    def __init__(self, target: str = "localhost:50051", *,
                 timeout: float = 5.0,
                 ca_file: Optional[str] = None,
                 cert_file: Optional[str] = None,
                 key_file: Optional[str] = None,
                 server_name: Optional[str] = None,
                 channel: Optional[grpc.Channel] = None):
        """``target`` is HOST:PORT; ``timeout`` is each call's deadline in
        seconds.

        TLS, as regserve-cli's ``--tls_*`` flags: ``ca_file`` (PEM CA bundle
        that signs the server's certificate) turns TLS on; ``cert_file`` and
        ``key_file`` (PEM client certificate and its key, for mutual TLS) go
        together; ``server_name`` is the name to verify the server's
        certificate against instead of the target's host. Without
        ``ca_file`` the channel is plaintext. Pass ``channel`` to use a
        channel of your own instead (then the TLS arguments must be unset).
        Raises ValueError for a bad combination, OSError for an unreadable
        file."""
        tls = _TlsFiles(ca_file, cert_file, key_file, server_name)
        if channel is not None and tls.any():
            raise ValueError("pass either channel or the TLS arguments")
        self._channel = channel or tls.channel(target)
        self._owns_channel = channel is None
        self._stub = pb_grpc.PredictionServiceStub(self._channel)
        self._timeout = timeout
        # (model, version) -> names of its categorical features.
        self._kinds: Dict[Tuple[str, int], frozenset] = {}
        self._kinds_lock = threading.Lock()

    def close(self) -> None:
        if self._owns_channel:
            self._channel.close()

    def __enter__(self) -> "RegserveClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, method, request):
        try:
            return method(request, timeout=self._timeout)
        except grpc.RpcError as e:
            raise RegserveError(e.code().name, e.details() or "") from None

    def _categorical(self, model: str, version: int) -> frozenset:
        """Names of the categorical features of the model, from its
        metadata, asked once per model and version this client calls. A
        model that cannot be described reads as numeric only: the call
        itself then says what is wrong."""
        key = (model, version)
        with self._kinds_lock:
            if key in self._kinds:
                return self._kinds[key]
        try:
            names = frozenset(self.metadata(model, version).categorical_levels)
        except RegserveError:
            return frozenset()
        with self._kinds_lock:
            self._kinds[key] = names
        return names

    @staticmethod
    def _split(features: Mapping[str, Union[float, str]],
               categorical: frozenset):
        """Numeric features (as numbers; numeric strings too) and
        categorical ones (levels: a number as the trainer names numeric
        levels, "%.15g")."""
        numeric = {k: float(v) for k, v in features.items()
                   if k not in categorical}
        levels = {k: v if isinstance(v, str) else f"{v:.15g}"
                  for k, v in features.items() if k in categorical}
        return numeric, levels

    @staticmethod
    def _spec(model: str, version: int) -> pb.ModelSpec:
        return pb.ModelSpec(name=model, version=version)

    def predict(self, features: Mapping[str, Union[float, str]],
                interval_level: float = 0, explain: bool = False,
                model: str = "", version: int = 0) -> Prediction:
        """Predicts one row given every feature by name: a number for a
        numeric feature, a level for a categorical one (which features are
        categorical comes from the model's metadata, asked once per model
        and version)."""
        numeric, categorical = self._split(
            features, self._categorical(model, version))
        request = pb.PredictRequest(
            model_spec=self._spec(model, version),
            features=numeric, categorical_features=categorical,
            interval_level=interval_level, explain=explain)
        r = self._call(self._stub.Predict, request)
        return Prediction(
            prediction=r.prediction,
            model=r.model_spec.name,
            version=r.model_spec.version,
            interval=_interval(r.interval) if interval_level > 0 else None,
            contributions=dict(r.contributions),
            baseline=r.baseline if explain else None)

    def _batch(self, request: pb.BatchPredictRequest) -> BatchPrediction:
        r = self._call(self._stub.BatchPredict, request)
        return BatchPrediction(
            predictions=list(r.predictions),
            model=r.model_spec.name,
            version=r.model_spec.version,
            intervals=[_interval(i) for i in r.intervals])

    def batch_predict_rows(self,
                           rows: Sequence[Mapping[str, Union[float, str]]],
                           interval_level: float = 0, model: str = "",
                           version: int = 0) -> BatchPrediction:
        """Predicts rows given as named features (as predict reads
        them)."""
        kinds = self._categorical(model, version)
        split = [self._split(row, kinds) for row in rows]
        return self._batch(pb.BatchPredictRequest(
            model_spec=self._spec(model, version),
            rows=[pb.Row(features=n, categorical_features=c)
                  for n, c in split],
            interval_level=interval_level))

    def batch_predict_table(self, columns: Sequence[str],
                            rows: Sequence[Sequence[float]],
                            interval_level: float = 0, model: str = "",
                            version: int = 0,
                            categorical_columns: Sequence[str] = (),
                            categorical_rows: Sequence[Sequence[str]] = ()
                            ) -> BatchPrediction:
        """Predicts a dense table (the fast path): ``columns`` names each
        value of every row, in any order; a model with categorical features
        takes their levels as ``categorical_rows`` (one per row) under
        ``categorical_columns``."""
        values: List[float] = []
        for i, row in enumerate(rows):
            if len(row) != len(columns):
                raise ValueError(
                    f"row {i} has {len(row)} values for {len(columns)} columns")
            values.extend(float(v) for v in row)
        levels: List[str] = []
        for i, row in enumerate(categorical_rows):
            if len(row) != len(categorical_columns):
                raise ValueError(
                    f"categorical row {i} has {len(row)} levels for "
                    f"{len(categorical_columns)} columns")
            levels.extend(v if isinstance(v, str) else f"{v:.15g}"
                          for v in row)
        return self._batch(pb.BatchPredictRequest(
            model_spec=self._spec(model, version),
            table=pb.Table(columns=list(columns), values=values,
                           categorical_columns=list(categorical_columns),
                           categorical_values=levels),
            interval_level=interval_level))

    def metadata(self, model: str = "", version: int = 0) -> ModelMetadata:
        """Describes a loaded model."""
        r = self._call(self._stub.GetModelMetadata, pb.GetModelMetadataRequest(
            model_spec=self._spec(model, version)))
        return ModelMetadata(
            model=r.model_spec.name,
            version=r.model_spec.version,
            feature_names=list(r.feature_names),
            target_name=r.target_name,
            model_type=r.model_type,
            intercept=r.intercept,
            coefficients=dict(zip(r.feature_names, r.coefficients)),
            observations=r.fit.observations,
            r_squared=r.fit.r_squared,
            adjusted_r_squared=r.fit.adjusted_r_squared,
            rmse=r.fit.rmse,
            cv_rmse=r.fit.cv_rmse,
            feature_domains=[_domain(d) for d in r.feature_domains],
            categorical_levels={
                i.name: [level.name for level in i.levels]
                for i in r.inputs if i.kind == pb.FEATURE_KIND_CATEGORICAL},
            loaded_versions=list(r.loaded_versions),
            training_data_sha256=r.training_data_sha256,
            raw=r)

    def list_models(self) -> List[ModelStatus]:
        """Every model with its versions' states and its labels."""
        r = self._call(self._stub.ListModels, pb.ListModelsRequest())
        return [
            ModelStatus(
                name=m.name,
                versions=[
                    VersionStatus(
                        v.version,
                        pb.VersionState.Name(v.state).removeprefix(
                            "VERSION_STATE_"),
                        v.reason)
                    for v in m.versions],
                version_labels=dict(m.version_labels),
                is_default=m.is_default)
            for m in r.models]
