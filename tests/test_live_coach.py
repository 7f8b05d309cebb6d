"""The live set-up coach and movement cues on built landmarks (picture fractions), no camera or model needed."""

import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from movement_screen.app.live import (COACH, GOOD, LiveCues, PostureCues, SingleLegCues, SitToStandCues, SquatCues,
                                      coach, positive, setup_messages)
from movement_screen.pose import landmarks as lm


def person(view="front", top=0.1, feet=0.9, crouch=0.0, knees_in=False, lift=None, knee_in=None, arms=None,
           shift=0.0):
    """33 landmarks of a person standing (or crouching by ``crouch`` of leg length: the hips drop toward the knees
    and the upper body with them) in picture fractions. ``lift``: "left" or "right" foot raised off the floor;
    ``knee_in``: that knee pushed toward the midline; ``arms``: "down" (wrists by the thighs) or "chest" (crossed
    on it); ``shift``: the whole body moved sideways in the picture."""
    xy = np.full((lm.COUNT, 2), 0.5)
    height = feet - top
    half = {"front": 0.12, "oblique": 0.06}.get(view, 0.01)  # half shoulder / hip width as seen
    drop = crouch * 0.5 * height
    hip_y = top + 0.5 * height + drop
    knee_y = top + 0.75 * height  # knees stay at about the same height; the hips drop toward them
    xy[lm.NOSE] = (0.5, top + 0.04 + drop)
    for side, sign in (("left", 1), ("right", -1)):  # the person's left on the picture's right (seen from the front)
        p = lm.SIDES[side]
        shoulder_y = top + 0.18 * height + drop
        xy[p["shoulder"]] = (0.5 + sign * half, shoulder_y)
        xy[p["hip"]] = (0.5 + sign * half * 0.7, hip_y)
        knee_x = 0.01 if knees_in else half * 0.3 if knee_in == side else half * 0.8
        xy[p["knee"]] = (0.5 + sign * knee_x, knee_y)
        up = 0.08 if lift == side else 0.0
        xy[p["ankle"]] = (0.5 + sign * half * 0.8, feet - 0.02 - up)
        xy[p["heel"]] = (0.5 + sign * half * 0.8, feet - up)
        if arms:
            xy[p["wrist"]] = (0.5 + sign * half, hip_y + 0.05 if arms == "down" else shoulder_y + 0.1 * height)
    xy[:, 0] += shift
    return xy, np.ones(lm.COUNT)


def python_coach(screen, frames, times):
    """The server's coach over a sequence: one [main, messages, cues] per frame (frames: lists of (xy, vis))."""
    cues = LiveCues()
    out = []
    for poses, t in zip(frames, times):
        main, messages, said = coach(cues, [p[0] for p in poses], [p[1] for p in poses], screen, t)
        out.append({"main": main, "messages": messages, "cues": said,
                    "green": [positive(m) for m in messages + said]})
    return out


def page_coach(tmp_path, screen, frames, times):
    """The same sequence through browser_pose/coach.js, run by Node (skips the test when Node is missing)."""
    node = shutil.which("node")
    if not node:
        pytest.skip("Node.js is not installed (apt-get install nodejs; .ci/run does it)")
    data = tmp_path / f"{screen}.json"
    data.write_text(json.dumps({"screen": screen, "coach": COACH, "times": list(times), "frames": [
        {"poses": [p[0].tolist() for p in poses], "vis": [p[1].tolist() for p in poses]} for poses in frames]}))
    script = resources.files("movement_screen.app").joinpath("browser_pose", "coach.js")
    program = (f"import {{coach, isPositive, LiveCues}} from {json.dumps(Path(str(script)).as_uri())};"
               "import {readFileSync} from 'fs';"
               f"const d = JSON.parse(readFileSync({json.dumps(str(data))}, 'utf8'));"
               "const cues = new LiveCues(d.coach);"
               "const out = d.frames.map((f, k) => coach(cues, f.poses, f.vis, d.screen, d.coach.setup, d.times[k]));"
               "out.forEach((o) => { o.green = o.messages.concat(o.cues).map((m) => isPositive(m, d.coach)); });"
               "console.log(JSON.stringify(out));")
    done = subprocess.run([node, "--input-type=module", "-e", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def both_say(tmp_path, screen, frames, times):
    """The cues each frame, from the server's coach, after checking the page's coach says exactly the same."""
    server = python_coach(screen, frames, times)
    said = [r["cues"] for r in server]
    page = page_coach(tmp_path, screen, frames, times)
    assert [r["cues"] for r in page] == said
    assert page == server
    return said


def test_set_up_messages_say_what_is_wrong_now():
    xy, vis = person()
    assert setup_messages(1, xy, vis, "squat") == [GOOD]
    assert setup_messages(0, None, None, "squat")[0].startswith("Step into the picture")
    assert any("One person only" in m for m in setup_messages(2, xy, vis, "squat"))
    cut, vis_cut = person(feet=1.05)
    vis_cut[[lm.L_HEEL, lm.R_HEEL, lm.L_ANKLE, lm.R_ANKLE]] = 0.2
    assert setup_messages(1, cut, vis_cut, "squat")[0] == "Step back: your feet are not in the picture"
    small, vis_small = person(top=0.4, feet=0.75)
    assert any(m.startswith("Come closer") for m in setup_messages(1, small, vis_small, "squat"))
    assert any(m.startswith("Turn sideways") for m in setup_messages(1, xy, vis, "forward_bend"))
    side, vis_side = person(view="side")
    assert setup_messages(1, side, vis_side, "forward_bend") == [GOOD]
    part_way, vis_part = person(view="oblique")  # a camera part-way round from the front to the side
    assert any(m.startswith("Turn a little further") for m in setup_messages(1, part_way, vis_part, "gait"))


def test_squat_cues_count_repetitions_and_depth():
    cues = SquatCues()
    for crouch in [0, 0, 0.2, 0.5, 0.5, 0.2, 0, 0, 0.3, 0.35, 0.3, 0, 0]:
        said = cues.update(person(view="side", crouch=crouch)[0])
        if crouch == 0.5:
            assert "Depth reached" in said
        if crouch == 0.35:
            assert "Not yet: go a little lower if you can" in said
    assert cues.reps == 2 and said[0] == "Repetitions: 2"


def test_knee_cue_only_from_the_front():
    assert "Knees: push them out over your toes" in SquatCues().update(person(knees_in=True)[0])
    assert "Knees tracking well" in SquatCues().update(person()[0])
    assert not any("Knees" in c for c in SquatCues().update(person(view="side", knees_in=True)[0]))


def test_which_screens_ask_to_turn_sideways():
    front, vis = person()
    assert any(m.startswith("Turn sideways") for m in setup_messages(1, front, vis, "sit_to_stand"))
    for screen in ("posture", "single_leg_squat"):  # posture is filmed front and side; the one-leg squat from the front
        assert setup_messages(1, front, vis, screen) == [GOOD]
        assert setup_messages(1, *person(view="side"), screen) == [GOOD]


HOLD, MORE = "Stand still, arms relaxed at your sides: {} s", "Good: hold for {} s more"
DONE = "Done: 5 s of quiet standing"


def test_posture_counts_still_seconds_and_moving_starts_again(tmp_path):
    """10 frames a second: still 3.4 s, a 0.1 step sideways over 0.5 s, then still; done 5 s after the movement
    has left the half-second window (t = 4.4 s), not 5 s after the start."""
    times = [k / 10 for k in range(110)]
    shifts = [0.0] * 35 + [0.02 * (k + 1) for k in range(5)] + [0.1] * 70
    frames = [[person(shift=shift)] for shift in shifts]
    said = both_say(tmp_path, "posture", frames, times)
    assert said[0] == [HOLD.format(0), MORE.format(5)]
    assert said[30] == [HOLD.format(3), MORE.format(2)]
    assert said[34] == [HOLD.format(3), MORE.format(2)]
    assert said[35:44] == [["Hold still"]] * 9  # moving, then the move still inside the window
    assert said[44] == [HOLD.format(0), MORE.format(5)]
    assert said[50] == [HOLD.format(0), MORE.format(5)]  # 5 s from the start: not done, the count restarted
    assert said[74] == [HOLD.format(3), MORE.format(2)]
    assert said[93] == [HOLD.format(4), MORE.format(1)]
    assert said[94:] == [[DONE]] * 16  # done stays done
    assert positive(DONE) and positive(MORE.format(2)) and not positive("Hold still")


def test_posture_model_jitter_is_not_movement():
    rng = np.random.default_rng(3)
    cues = PostureCues()
    said = [cues.update(person()[0] + rng.normal(0, 0.003, (lm.COUNT, 2)), k / 30) for k in range(160)]
    assert "Hold still" not in sum(said, [])
    assert said[149] == [HOLD.format(4), MORE.format(1)] and said[150] == [DONE]  # 5.0 s at 30 frames a second


def test_single_leg_squat_counts_each_leg_and_cues_knee_and_balance(tmp_path):
    """Front view: the person's left landmarks on the picture's right; standing on the left leg lifts the right."""
    steps = [  # (foot lifted, crouch, knee pushed in, expected cues)
        (None, 0, None, ["Left leg: 0, right leg: 0", "Stand on one leg: lift the other foot"]),
        ("right", 0, None, ["Left leg: 0, right leg: 0"]),
        ("right", 0.3, None, ["Left leg: 0, right leg: 0", "Knee over your foot: good"]),
        ("right", 0.3, "left", ["Left leg: 0, right leg: 0", "Knee: keep it over your foot"]),
        ("right", 0.3, "right", ["Left leg: 0, right leg: 0", "Knee over your foot: good"]),  # the lifted leg's knee
        ("right", 0, None, ["Left leg: 1, right leg: 0"]),
        ("left", 0, None, ["Left leg: 1, right leg: 0"]),
        ("left", 0.3, None, ["Left leg: 1, right leg: 0", "Knee over your foot: good"]),
        (None, 0.3, None, ["Left leg: 1, right leg: 0", "Foot down: balance lost",
                           "Stand on one leg: lift the other foot"]),
        ("left", 0.3, None, ["Left leg: 1, right leg: 0", "Foot down: balance lost"]),  # no new one from down here
        ("left", 0, None, ["Left leg: 1, right leg: 0"]),  # not counted
        ("left", 0.3, "right", ["Left leg: 1, right leg: 0", "Knee: keep it over your foot"]),
        ("left", 0.3, "left", ["Left leg: 1, right leg: 0", "Knee over your foot: good"]),
        ("left", 0, None, ["Left leg: 1, right leg: 1"]),
        (None, 0, None, ["Left leg: 1, right leg: 1", "Stand on one leg: lift the other foot"]),
    ]
    frames = [[person(lift=lift, crouch=crouch, knee_in=knee)] for lift, crouch, knee, _ in steps]
    said = both_say(tmp_path, "single_leg_squat", frames, [k / 5 for k in range(len(steps))])
    assert said == [expected for *_, expected in steps]
    cues = SingleLegCues()
    cues.update(person(lift="right")[0])
    sideways = person(view="side", lift="right", crouch=0.3, knee_in="left")[0]
    assert cues.update(sideways) == ["Left leg: 0, right leg: 0"] and cues.down  # no knee cue seen from the side


def test_sit_to_stand_counts_full_stands_and_times_five(tmp_path):
    """Side view, starting seated: a half rise is no stand; five stands timed from the first rise (the last moment
    seated, 1.15 s) to the fifth full stand (12.95 s); arms down by the thighs during a rise are cued."""
    sit, rise, half, stand = 0.5, 0.25, 0.2, 0.0
    steps = [  # (time, crouch, arms, expected cues)
        (0.0, sit, "chest", ["Stands: 0"]), (1.15, sit, "chest", ["Stands: 0"]),
        (1.6, rise, "chest", ["Stands: 0"]), (2.1, stand, "chest", ["Stands: 1"]),
        (3.0, sit, "chest", ["Stands: 1"]), (3.5, half, "chest", ["Stands: 1"]),  # half-way up and back down
        (4.0, sit, "chest", ["Stands: 1"]), (4.5, rise, "down", ["Stands: 1", "Cross your arms on your chest"]),
        (5.0, stand, "down", ["Stands: 2"]), (6.0, sit, "chest", ["Stands: 2"]), (7.0, stand, "chest", ["Stands: 3"]),
        (8.5, sit, "chest", ["Stands: 3"]), (9.5, stand, "chest", ["Stands: 4"]), (11.0, sit, "chest", ["Stands: 4"]),
        (12.0, rise, "chest", ["Stands: 4"]), (12.95, stand, "chest", ["Stands: 5", "Five stands done",
                                                                       "Five stands in 11.8 s"]),
        (14.0, sit, "chest", ["Stands: 5", "Five stands done", "Five stands in 11.8 s"]),
    ]
    frames = [[person(view="side", crouch=crouch, arms=arms)] for _, crouch, arms, _ in steps]
    server = python_coach("sit_to_stand", frames, [t for t, *_ in steps])
    assert all(r["messages"] == [GOOD] for r in server)  # seated is not "small": the distance is judged standing
    said = both_say(tmp_path, "sit_to_stand", frames, [t for t, *_ in steps])
    assert said == [expected for *_, expected in steps]
    assert positive("Stands: 3") and positive("Five stands in 11.8 s") and not positive("Cross your arms on your chest")
    assert SitToStandCues().update(person(view="side", crouch=rise, arms="down")[0]) == ["Stands: 0"]  # not seated yet


def test_each_screen_gets_its_own_cues_and_a_new_screen_starts_again():
    cues = LiveCues()
    xy, vis = person(view="side")
    assert coach(cues, [xy], [vis], "squat", 0.0)[2] == ["Repetitions: 0"]
    assert isinstance(cues.current, SquatCues)
    assert coach(cues, [xy], [vis], "sit_to_stand", 0.1)[2] == ["Stands: 0"]
    assert coach(cues, [xy], [vis], "forward_bend", 0.2)[2] == []
    assert coach(cues, [xy], [vis], "posture", 0.3)[2] == [HOLD.format(0), MORE.format(5)]


def test_the_page_and_the_server_coach_alike(tmp_path):
    """browser_pose/coach.js (run by Node) and app/live.py give the same messages and cues, frame by frame, for
    every screen with cues and one without, on squats, one-leg stands, sitting and standing, and jittered people."""
    rng = np.random.default_rng(7)
    frames = []
    for crouch in [0, 0, 0.1, 0.25, 0.5, 0.55, 0.5, 0.3, 0.05, 0, 0.3, 0.35, 0.3, 0]:  # two squats, one shallow
        frames.append([person(view="side", crouch=crouch)])
    frames += [[person()], [person(knees_in=True)], [], [person(), person(top=0.4, feet=0.7)],
               [person(top=0.4, feet=0.75)], [person(feet=1.05)], [person(view="side", top=-0.01)]]
    for lift, crouch, knee in [("right", 0, None), ("right", 0.3, "left"), ("right", 0.3, None), (None, 0.3, None),
                               ("left", 0, None), ("left", 0.3, "right"), ("left", 0, None)]:
        frames.append([person(lift=lift, crouch=crouch, knee_in=knee)])
    for crouch, arms in [(0.5, "chest"), (0.25, "down"), (0, "chest"), (0.5, "chest"), (0.2, "chest"), (0, "down")]:
        frames.append([person(view="side", crouch=crouch, arms=arms)])
    for _ in range(30):  # jittered people, some half out of the picture or on one leg
        xy, vis = person(view=str(rng.choice(["front", "side", "oblique"])), top=rng.uniform(-0.05, 0.3),
                         feet=rng.uniform(0.6, 1.05), crouch=rng.uniform(0, 0.6),
                         lift=rng.choice([None, "left", "right"]), arms=rng.choice([None, "down", "chest"]))
        frames.append([(xy + rng.normal(0, 0.01, xy.shape), np.clip(vis - rng.uniform(0, 0.6, vis.shape), 0, 1))])
    times = list(np.cumsum(rng.uniform(0.02, 0.4, len(frames))))
    for screen in ("squat", "forward_bend", "posture", "single_leg_squat", "sit_to_stand"):
        assert page_coach(tmp_path, screen, frames, times) == python_coach(screen, frames, times)
