"""Benchmark sections beyond the 10,000-task command timings; each appends to run.EXTRA."""

from __future__ import annotations
