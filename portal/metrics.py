"""Adoption KPIs, gathered from every plugin's ``metrics.py`` (``collect_metrics()``)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.plugins import plugin_submodules


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: int | float


def collect_metrics() -> list[Metric]:
    metrics: list[Metric] = []
    for _config, module in plugin_submodules("metrics"):
        metrics.extend(module.collect_metrics())
    return metrics
