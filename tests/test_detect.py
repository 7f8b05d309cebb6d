"""--screen auto refuses politely when the movement is not one of the screens."""

from movement_screen.kinematics.series import prepare
from movement_screen.screens.detect import decide
from synthetic import side_bend, side_squat


def test_standing_still_is_refused_with_a_hint():
    still = side_squat(thigh_from_vertical_deg=0, tibia_deg=0)
    found = decide(prepare(still))
    assert found.screen is None
    assert "standing still" in found.reason and "--screen" in found.reason


def test_half_a_bend_is_not_called_confidently():
    found = decide(prepare(side_bend(trunk_peak_deg=45)))  # a nod forward, not a toe-touch
    assert found.screen is None
    assert "could not tell" in found.reason and "forward bend" in found.reason


def test_a_squat_is_not_mistaken_for_a_bend_despite_the_trunk_lean():
    found = decide(prepare(side_squat(trunk_extra_deg=25)))  # trunk 60 deg forward at the bottom
    assert found.screen == "squat"
    assert found.scores["forward_bend"] < 0.5
