"""The real model on the real forward-bend and walking clips, and --screen auto on every kind of clip."""

import json

import pytest

from movement_screen.api import analyze, score_sources
from clips import clip

pytestmark = pytest.mark.pipeline

TOE_TOUCH = "toe_touch_side.mp4"
WALK = "sports2d_demo_gait_sagittal.mp4"


@pytest.fixture
def auto_sources(analysed):
    """Each clip analysed with --screen auto (pose, subject, kinematics and the decision), once per session."""
    return lambda name: analysed(name, "auto")


def scored(auto_sources, model, name, **kw):
    src = auto_sources(name)
    return score_sources([src], [name], model, screen=src.screen, **kw).result


@pytest.mark.parametrize("name,screen", [
    ("lnewco_ohs_7026_side.mov", "squat"), ("lnewco_ohs_7027_front.mov", "squat"),
    ("lnewco_ohs_7032_side.mov", "squat"), ("lnewco_ohs_7033_front.mov", "squat"),
    (TOE_TOUCH, "forward_bend"), (WALK, "gait"),
])
def test_auto_names_the_screen_each_clip_shows(auto_sources, name, screen):
    src = auto_sources(name)
    assert src.screen == screen, src.detection.reason
    assert src.detection.confidence >= 0.5


def test_toe_touch_is_one_straight_knee_bend_past_horizontal_with_a_full_return(auto_sources, model):
    result = scored(auto_sources, model, TOE_TOUCH)
    assert len(result.repetitions) == 1
    assert result.metrics["max_trunk_inclination_deg"] > 90
    assert result.criterion("knees_straight").state == "pass"
    assert result.criterion("full_return").state == "pass"
    assert result.repetitions[0].started_upright and result.repetitions[0].ended_upright
    assert 0.3 < result.metrics["descent_time_s"] < 2.0 and 0.3 < result.metrics["return_time_s"] < 2.0
    assert result.criterion("lumbopelvic_rhythm").state == "not_assessed"
    assert result.detection["screen"] == "forward_bend"


def test_walking_clip_follows_the_walker_with_alternating_heel_strikes(auto_sources, model):
    src = auto_sources(WALK)
    result = scored(auto_sources, model, WALK)
    # The walker crosses the picture; the person on the box stays in place.
    hips_x = src.kinematics.mid_hip[:, 0]
    assert (max(hips_x[hips_x == hips_x]) - min(hips_x[hips_x == hips_x])) > 0.5 * src.info.width
    assert [p.label for p in result.passes] == ["right_to_left"]
    strikes = [e for e in result.events if e.type == "heel_strike"]
    sides = [e.side for e in strikes]
    assert sides.count("left") >= 2 and sides.count("right") >= 2
    assert all(a != b for a, b in zip(sides, sides[1:]))
    assert 80 <= result.metrics["cadence_steps_per_min"] <= 130  # normal adult walking
    assert result.metrics["step_count"] == len(strikes)
    assert result.criterion("cadence").state != "not_assessed"
    assert result.criterion("step_length").state == "not_assessed"


def test_walking_with_a_height_gives_speed_and_step_length(auto_sources, model):
    result = scored(auto_sources, model, WALK, height_cm=165)
    assert 0.7 < result.metrics["walking_speed_m_s"] < 2.0
    assert 0.4 < result.metrics["step_length_m"] < 1.0


def test_clips_of_different_movements_are_refused_together(model):
    from movement_screen.errors import UsageError

    with pytest.raises(UsageError, match="different movements"):
        analyze([clip("lnewco_ohs_7032_side.mov"), clip(TOE_TOUCH)], model="full", progress=False)


def test_cli_without_screen_names_the_screen_and_writes_its_criteria(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "o"
    done = subprocess.run([sys.executable, "-m", "movement_screen", "analyze", str(clip(TOE_TOUCH)), "--out",
                           str(out), "--no-video", "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Screen: forward_bend" in done.stdout and "chosen automatically" in done.stdout
    data = json.loads((out / "result.json").read_text())
    assert data["screen"] == "forward_bend" and data["detection"]["screen"] == "forward_bend"
    assert {"knees_straight", "reaches_floor", "smooth_return", "lateral_shift"} <= {c["id"] for c in data["criteria"]}
    assert (out / "angles.png").stat().st_size > 10_000
