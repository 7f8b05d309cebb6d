"""Cleaning landmark time series: uniform resampling, short-gap filling, zero-phase low-pass filtering."""

from __future__ import annotations

import numpy as np

MAX_GAP_FRAMES = 5


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the True runs in a 1-D boolean array."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(int)))
    return list(zip(edges[::2], edges[1::2]))


def fill_gaps(x: np.ndarray, max_gap: int = MAX_GAP_FRAMES) -> np.ndarray:
    """Linearly fill NaN runs of at most ``max_gap`` samples that have data on both sides (along axis 0)."""
    x = np.array(x, dtype=float, copy=True)
    flat = x.reshape(len(x), -1)
    index = np.arange(len(x))
    for column in flat.T:
        missing = np.isnan(column)
        if not missing.any() or missing.all():
            continue
        for start, stop in runs(missing):
            if start == 0 or stop == len(column) or stop - start > max_gap:
                continue
            column[start:stop] = np.interp(index[start:stop], [start - 1, stop], [column[start - 1], column[stop]])
    return flat.reshape(x.shape)


def find_peaks(x, **options):
    """scipy.signal.find_peaks, imported when first needed: scipy.signal takes ~0.75 s to import (scipy.optimize
    0.35 s), which :func:`warm_imports` overlaps with the pose pass."""
    from scipy.signal import find_peaks as scipy_find_peaks

    return scipy_find_peaks(x, **options)


def moving_mean(x, size: int, mode: str = "nearest"):
    """scipy.ndimage.uniform_filter1d, imported when first needed (0.2 s; warmed during the pose pass)."""
    from scipy.ndimage import uniform_filter1d

    return uniform_filter1d(x, size, mode=mode)


def warm_imports() -> None:
    """Import the slow scientific modules on a background thread (while the pose model runs)."""
    import importlib
    import threading

    def work() -> None:
        for name in ("scipy.signal", "scipy.optimize", "scipy.ndimage"):
            importlib.import_module(name)

    threading.Thread(target=work, name="warm-imports", daemon=True).start()


def lowpass(x: np.ndarray, fs: float, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """Zero-phase Butterworth low-pass along axis 0, applied to each run of finite samples separately.

    Runs too short for the filter's padding are left as they are.
    """
    x = np.array(x, dtype=float, copy=True)
    if fs <= 0 or cutoff_hz >= fs / 2:
        return x
    from scipy.signal import butter, sosfiltfilt

    sos = butter(order, cutoff_hz, btype="low", fs=fs, output="sos")
    pad = 3 * (2 * len(sos) + 1)
    flat = x.reshape(len(x), -1)
    for column in flat.T:
        for start, stop in runs(np.isfinite(column)):
            if stop - start > pad:
                column[start:stop] = sosfiltfilt(sos, column[start:stop])
    return flat.reshape(x.shape)


def is_variable_rate(t: np.ndarray, tolerance: float = 0.1) -> bool:
    """True when frame intervals vary by more than ``tolerance`` (relative) around their median."""
    if len(t) < 3:
        return False
    dt = np.diff(t)
    median = np.median(dt)
    return bool(median > 0 and np.max(np.abs(dt - median)) > tolerance * median)


def resample_uniform(t: np.ndarray, x: np.ndarray, fs: float, max_gap_s: float | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Resample ``x`` (axis 0 follows ``t``) onto a uniform grid at ``fs``. A grid point between two samples more
    than ``max_gap_s`` apart (default 2.5 grid steps), or more than half a grid step before the first or after the
    last sample, stays NaN."""
    grid = np.arange(t[0], t[-1] + 0.5 / fs, 1.0 / fs)
    limit = 2.5 / fs if max_gap_s is None else max_gap_s
    flat = x.reshape(len(x), -1)
    out = np.full((len(grid), flat.shape[1]), np.nan)
    for j, column in enumerate(flat.T):
        ok = np.isfinite(column)
        if ok.sum() >= 2:
            known = t[ok]
            out[:, j] = np.interp(grid, known, column[ok])
            # Do not invent data across gaps: a grid point between samples far apart stays missing.
            right = np.clip(np.searchsorted(known, grid), 0, len(known) - 1)
            left = np.clip(right - 1, 0, len(known) - 1)
            outside = (grid < known[0] - 0.5 / fs) | (grid > known[-1] + 0.5 / fs)  # np.interp holds the edge value
            out[(known[right] - known[left] > limit) | outside, j] = np.nan
    return grid, out.reshape((len(grid),) + x.shape[1:])


def sample_step(t: np.ndarray, found: np.ndarray) -> float:
    """The typical time between two frames where the person was found (NaN with fewer than three)."""
    seen = np.asarray(t, float)[np.asarray(found, bool)]
    return float(np.median(np.diff(seen))) if len(seen) >= 3 else np.nan
