"""Adoption KPIs, gathered from the core's own modules (:data:`CORE_METRICS`: mode off's
urgent overrides) and from every plugin's ``metrics.py`` (``collect_metrics()``)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.plugins import plugin_submodules


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: int | float


#: The core's modules that count something for the adoption dashboard.
CORE_METRICS = ["portal.modeoff"]


def collect_metrics() -> list[Metric]:
    from importlib import import_module

    metrics: list[Metric] = []
    for name in CORE_METRICS:
        metrics.extend(import_module(name).collect_metrics())
    for _config, module in plugin_submodules("metrics"):
        metrics.extend(module.collect_metrics())
    return metrics
