"""Re-scoring stored results from their landmarks: unchanged thresholds change nothing, one changed threshold
changes only its criteria, and a batch output re-scores without the pose model."""

import csv
import json
import subprocess
import sys

import pytest

from clips import available, clip
from movement_screen import rescore as rescore_module

pytestmark = pytest.mark.pipeline


def run(*args):
    return subprocess.run([sys.executable, "-m", "movement_screen", *map(str, args)], capture_output=True, text=True)


def rows(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    out = tmp_path_factory.mktemp("stored") / "squat"
    done = run("analyze", clip("lnewco_ohs_7032_side.mov"), "--out", out, "--no-video", "--quiet", "--pain", "no")
    assert done.returncode == 0, done.stderr
    return out


def test_unchanged_thresholds_give_identical_criteria(stored):
    done = run("rescore", stored, "--quiet")
    assert done.returncode == 0, done.stderr
    assert "0 changed" in done.stdout
    before = json.loads((stored / "result.json").read_text())
    after = json.loads((stored / "rescored" / "result.json").read_text())
    assert before["criteria"] == after["criteria"] and before["score"] == after["score"]
    assert rows(stored / "rescored" / "changes.csv") == []


def test_one_changed_threshold_changes_only_its_criteria(stored, tmp_path):
    before = {c["id"]: c for c in json.loads((stored / "result.json").read_text())["criteria"]}
    assert before["heels_down"]["state"] == "borderline"  # 7032's ankle rises 0.04 shank lengths
    thresholds = tmp_path / "looser-heels.toml"
    thresholds.write_text("[squat.heels_down]\npass_max = 0.06\nfail_above = 0.09\n")
    done = run("rescore", stored, "--thresholds", thresholds, "--quiet")
    assert done.returncode == 0, done.stderr
    changed = rows(stored / "rescored" / "changes.csv")
    assert {r["criterion"] for r in changed} == {"heels_down", "heels_rise"}
    assert all(r["before_state"] == "borderline" and r["after_state"] == "pass" for r in changed)
    typo = tmp_path / "typo.toml"
    typo.write_text("[squat.heels_down]\npass_maks = 0.06\n")
    refused = run("rescore", stored, "--thresholds", typo, "--quiet")
    assert refused.returncode != 0 and "pass_maks" in refused.stderr and "Traceback" not in refused.stderr


def test_a_batch_output_rescores_without_loading_the_model(tmp_path, monkeypatch):
    videos = tmp_path / "videos"
    videos.mkdir()
    for name, path in available("lnewco_ohs_7033_front.mov", "toe_touch_side.mp4", "lnewco_ohs_7026_side.mov",
                                at_least=2).items():  # a batch output: several results
        (videos / name).symlink_to(path)
    out = tmp_path / "out"
    done = run("batch", videos, "--out", out, "--no-video", "--quiet")
    assert done.returncode == 0, done.stderr

    def no_model(*args, **kwargs):
        raise AssertionError("the pose model was loaded")

    from movement_screen.pose import estimator, models

    monkeypatch.setattr(models, "resolve", no_model)
    monkeypatch.setattr(estimator.PoseEstimator, "__init__", no_model)
    done = rescore_module.rescore(out)
    assert len(done) == len(list(videos.iterdir())) and all(r.status == "ok" for r in done)
    assert all(not r.changes for r in done)
    summary = rows(out / "rescored_summary.csv")
    assert len(summary) == len(done) and all(r["status"] == "ok" for r in summary)
    assert (out / "rescored_changes.csv").is_file()


def test_a_damaged_result_fails_alone_and_the_rest_are_rescored(stored, tmp_path):
    import shutil

    for name in ("good", "damaged"):
        shutil.copytree(stored, tmp_path / name, ignore=shutil.ignore_patterns("rescored"))
    (tmp_path / "damaged" / "result.json").write_text("{broken")
    done = run("rescore", tmp_path, "--quiet")
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert "Re-scored 1 of 2" in done.stdout and "damaged" in done.stdout
    assert "not a movement-screen result" in done.stdout
    summary = {r["folder"]: r["status"] for r in rows(tmp_path / "rescored_summary.csv")}
    assert summary == {"good": "ok", "damaged": "failed"}
