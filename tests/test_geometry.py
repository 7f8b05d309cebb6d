import numpy as np

from movement_screen.kinematics import geometry as geo


def test_joint_angle_right_angle_and_straight_line():
    assert geo.joint_angle([0, 0], [1, 0], [1, 1]) == 90.0
    assert np.isclose(geo.flexion([0, 0], [0, 1], [0, 2]), 0.0)


def test_joint_angle_uses_pixels_so_broadcasts_over_frames():
    a = np.array([[0, 0], [0, 0]])
    b = np.array([[1, 0], [1, 0]])
    c = np.array([[1, 1], [2, 0]])
    assert np.allclose(geo.joint_angle(a, b, c), [90.0, 180.0])


def test_inclination_positive_when_leaning_toward_facing_direction():
    hip, shoulder = np.array([0.0, 100.0]), np.array([100.0, 0.0])  # 45 deg toward image right
    assert np.isclose(geo.inclination(hip, shoulder, +1), 45.0)
    assert np.isclose(geo.inclination(hip, shoulder, -1), -45.0)
    assert np.isclose(geo.inclination(hip, [0.0, 0.0], +1), 0.0)


def test_fppa_sign_valgus_positive_varus_negative():
    # Left leg on image right of the midline (x = 0); knee pushed toward the midline = valgus.
    hip, ankle = np.array([100.0, 0.0]), np.array([100.0, 200.0])
    valgus = geo.fppa(hip, [80.0, 100.0], ankle, 0.0)
    varus = geo.fppa(hip, [120.0, 100.0], ankle, 0.0)
    assert valgus > 20 and varus < -20
    assert np.isclose(valgus, -varus)


def test_fppa_is_not_read_from_a_thigh_pointing_at_the_camera():
    # a thigh 100 px long standing: seen at 60 px its angle stands, at 30 px (bent towards the lens) it is NaN
    hip, ankle = np.array([[100.0, 0.0], [100.0, 0.0]]), np.array([[100.0, 160.0], [100.0, 130.0]])
    knee = np.array([[90.0, 59.2], [90.0, 28.3]])
    angle = geo.fppa_where_seen(hip, knee, ankle, np.zeros(2), thigh_length=100.0)
    assert np.isclose(angle[0], geo.fppa(hip[0], knee[0], ankle[0], 0.0)) and angle[0] > 5
    assert np.isnan(angle[1])


def test_line_tilt():
    assert np.isclose(geo.line_tilt([0, 0], [100, 0]), 0.0)
    assert np.isclose(geo.line_tilt([0, 0], [100, -100]), 45.0)  # right end higher (y up is negative)
