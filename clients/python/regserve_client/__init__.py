"""Python client for regserve (regserve.v1.PredictionService)."""

from .client import (BatchPrediction, FeatureDomain, Interval, ModelMetadata,
                     ModelStatus, Prediction, RegserveClient, RegserveError,
                     VersionStatus)

__all__ = [
    "BatchPrediction", "FeatureDomain", "Interval", "ModelMetadata",
    "ModelStatus", "Prediction", "RegserveClient", "RegserveError",
    "VersionStatus",
]
