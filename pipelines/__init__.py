"""Item pipelines and the pure functions they apply: normalization and storage."""
