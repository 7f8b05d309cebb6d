"""The live set-up coach and squat cues on built landmarks (picture fractions), no camera or model needed."""

from pathlib import Path

import numpy as np

from movement_screen.app.live import GOOD, SquatCues, setup_messages
from movement_screen.pose import landmarks as lm


def person(view="front", top=0.1, feet=0.9, crouch=0.0, knees_in=False):
    """33 landmarks of a person standing (or crouching by ``crouch`` of leg length) in picture fractions."""
    xy = np.full((lm.COUNT, 2), 0.5)
    height = feet - top
    half = {"front": 0.12, "oblique": 0.06}.get(view, 0.01)  # half shoulder / hip width as seen
    hip_y = top + 0.5 * height + crouch * 0.5 * height
    knee_y = top + 0.75 * height  # knees stay at about the same height; the hips drop toward them
    xy[lm.NOSE] = (0.5, top + 0.04)
    for side, sign in (("left", 1), ("right", -1)):
        p = lm.SIDES[side]
        xy[p["shoulder"]] = (0.5 + sign * half, top + 0.18 * height)
        xy[p["hip"]] = (0.5 + sign * half * 0.7, hip_y)
        xy[p["knee"]] = (0.5 + sign * (0.01 if knees_in else half * 0.8), knee_y)
        xy[p["ankle"]] = (0.5 + sign * half * 0.8, feet - 0.02)
        xy[p["heel"]] = (0.5 + sign * half * 0.8, feet)
    return xy, np.ones(lm.COUNT)


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


def test_the_page_and_the_server_coach_alike(tmp_path):
    """browser_pose/coach.js (run by Node) and app/live.py give the same messages and cues, frame by frame."""
    import json
    import shutil
    import subprocess
    from importlib import resources

    import pytest

    from movement_screen.app.live import COACH, coach

    node = shutil.which("node")
    if not node:
        pytest.skip("Node.js is not installed (apt-get install nodejs; .ci/run does it)")
    rng = np.random.default_rng(7)
    frames = []
    for crouch in [0, 0, 0.1, 0.25, 0.5, 0.55, 0.5, 0.3, 0.05, 0, 0.3, 0.35, 0.3, 0]:  # two squats, one shallow
        frames.append([person(view="side", crouch=crouch)])
    frames += [[person()], [person(knees_in=True)], [], [person(), person(top=0.4, feet=0.7)],
               [person(top=0.4, feet=0.75)], [person(feet=1.05)], [person(view="side", top=-0.01)]]
    for _ in range(20):  # jittered people, some half out of the picture
        xy, vis = person(view=str(rng.choice(["front", "side", "oblique"])), top=rng.uniform(-0.05, 0.3),
                         feet=rng.uniform(0.6, 1.05), crouch=rng.uniform(0, 0.6))
        frames.append([(xy + rng.normal(0, 0.01, xy.shape), np.clip(vis - rng.uniform(0, 0.6, vis.shape), 0, 1))])
    for screen in ("squat", "forward_bend"):
        cues = SquatCues()
        expected = []
        for poses in frames:
            main, messages, said = coach(cues, [p[0] for p in poses], [p[1] for p in poses], screen)
            expected.append({"main": main, "messages": messages, "cues": said})
        data = tmp_path / f"{screen}.json"
        data.write_text(json.dumps({"screen": screen, "coach": COACH, "frames": [
            {"poses": [p[0].tolist() for p in poses], "vis": [p[1].tolist() for p in poses]} for poses in frames]}))
        script = resources.files("movement_screen.app").joinpath("browser_pose", "coach.js")
        program = (f"import {{coach, SquatCues}} from {json.dumps(Path(str(script)).as_uri())};"
                   "import {readFileSync} from 'fs';"
                   f"const d = JSON.parse(readFileSync({json.dumps(str(data))}, 'utf8'));"
                   "const cues = new SquatCues(d.coach.squat, d.coach.setup);"
                   "const out = d.frames.map(f => coach(cues, f.poses, f.vis, d.screen, d.coach.setup));"
                   "console.log(JSON.stringify(out));")
        done = subprocess.run([node, "--input-type=module", "-e", program], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == expected
