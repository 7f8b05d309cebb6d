import numpy as np

from movement_screen.kinematics.filters import fill_gaps, is_variable_rate, lowpass, resample_uniform, sample_step


def test_fill_gaps_fills_short_gaps_only():
    x = np.arange(20, dtype=float)
    x[3:6] = np.nan  # 3 missing: filled
    x[10:17] = np.nan  # 7 missing: left alone
    filled = fill_gaps(x, max_gap=5)
    assert np.allclose(filled[3:6], [3, 4, 5])
    assert np.isnan(filled[10:17]).all()


def test_lowpass_is_zero_phase_and_removes_noise():
    fs = 30.0
    t = np.arange(0, 6, 1 / fs)
    slow = np.sin(2 * np.pi * 0.5 * t)
    noisy = slow + 0.2 * np.sin(2 * np.pi * 12 * t)
    clean = lowpass(noisy, fs, 4.0)
    assert np.max(np.abs(clean[30:-30] - slow[30:-30])) < 0.02
    assert abs(np.argmax(clean[:60]) - np.argmax(slow[:60])) <= 1  # no lag


def test_lowpass_keeps_nan_runs_and_filters_each_segment():
    x = np.sin(np.linspace(0, 6, 120))
    x[50:60] = np.nan
    out = lowpass(x, 30.0, 5.0)
    assert np.isnan(out[50:60]).all() and np.isfinite(out[:50]).all()


def test_variable_rate_detection_and_uniform_resampling():
    t = np.cumsum(np.r_[0, np.tile([0.03, 0.037], 20)])
    assert is_variable_rate(t)
    assert not is_variable_rate(np.arange(0, 2, 1 / 30))
    grid, x = resample_uniform(t, 2 * t, 30.0)
    assert np.allclose(np.diff(grid), 1 / 30)
    assert np.allclose(x, 2 * grid)


def test_resampling_leaves_no_data_before_or_after_the_person():
    t = np.arange(0, 3, 1 / 30)
    x = np.where((t >= 1) & (t <= 2), t, np.nan)  # the person is seen from 1 s to 2 s only
    grid, out = resample_uniform(t + np.tile([0, 0.004], len(t) // 2), x, 30.0)
    assert np.isnan(out[grid < 0.95]).all() and np.isnan(out[grid > 2.05]).all()  # not held at the edge values
    assert np.isfinite(out[(grid > 1.05) & (grid < 1.95)]).all()


def test_a_person_measured_8_times_a_second_is_a_series_not_a_row_of_gaps():
    t = np.cumsum(np.r_[0, np.tile([0.1, 0.15], 12)])  # the in-page camera on a slow device
    grid, out = resample_uniform(t, np.sin(t), 25.0, max_gap_s=2.5 * sample_step(t, np.ones(len(t), bool)))
    assert np.isfinite(out).all() and np.allclose(out, np.sin(grid), atol=0.01)
    _, gappy = resample_uniform(t, np.sin(t), 25.0)  # gaps judged against the 25 Hz grid: most of it lost
    assert np.isnan(gappy).mean() > 0.8
