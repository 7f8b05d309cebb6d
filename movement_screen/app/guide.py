"""How to film each screen: plain-language steps and a drawn set-up diagram (camera, distance, view)."""

from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Guide:
    """One screen's filming guide. ``camera`` (the lens height) and ``distance`` are said once, here, and both the
    steps and the drawing take them from here, so the words and the picture cannot disagree."""

    screen: str
    title: str
    views: tuple[str, ...]  # "side" and/or "front", in the order to record them
    camera: str  # the lens height, in words ("hip height")
    distance: str  # from the camera to the person (gait: to the walkway)
    figure: str  # the drawing's pose: "stand", "squat", "bend", "walk", "one_leg", "chair"
    movement: tuple[str, ...]
    room: tuple[str, ...] = ()  # set-up steps of this screen beside the common ones

    @property
    def steps(self) -> tuple[str, ...]:
        """Camera and room: the common steps with this screen's height and distance, then its own."""
        if self.screen == "gait":
            return self.room
        return (f"Put the phone or camera on a tripod (or a shelf) at {self.camera}, lens level, in landscape or "
                "portrait.",
                f"Stand {self.distance} away so your whole body, head to feet, fills most of the picture with a "
                "little room above and below.",
                "Good even light, a plain background, and only you in the picture.",
                "Fitted clothes; bare feet or low shoes so heels and toes can be seen.",
                *self.room)


# Capture protocol: clinical-spec F.2 (tripod, lens level, hip height for whole-body clips, 2.5-4 m for a phone's
# 1x lens so the body fills 50-80 % of the picture); the single-leg squat's frontal camera at knee to hip height
# (D.1), at the same distance since the whole body must be in the picture.
GUIDES = {
    "squat": Guide("squat", "Deep squat (arms overhead)", ("side", "front"), "hip height", "2.5-4 m", "squat", (
        "Feet shoulder-width apart, arms straight up overhead (a broom handle helps).",
        "Go down slowly as deep as you can with your heels on the floor, hold the bottom for about one second, "
        "and stand up. Do it three times.",
        "Record once from the side and once from the front. Side: your side square to the camera, a quarter-turn "
        "from facing it (a camera less than about a quarter of that way round cannot judge the trunk, heels and "
        "arms: the result then says how far to move it). Front: facing the camera square.",
        "Stop if it hurts: pain needs a clinician, not a score.",
    )),
    "forward_bend": Guide("forward_bend", "Standing forward bend (toe touch)", ("side", "front"), "hip height",
                          "2.5-4 m", "bend", (
        "Stand tall, feet together, knees straight.",
        "Bend forward reaching toward the floor, pause 1-2 seconds, and come back up slowly. Do it three times.",
        "Record from the side; a front clip also shows any sideways shift.",
        "Give your height in centimetres to see how far your fingertips stay from the floor.",
    )),
    "gait": Guide("gait", "Walking (gait)", ("side",), "hip height", "3-4 m", "walk", (
        "Walk at your usual pace across the picture, turn beyond the edge, and walk back. Three or four passes.",
        "Give your height in centimetres for step length and walking speed.",
    ), room=(
        "Camera on a tripod at hip height, side-on to a 6-10 m straight walkway, 3-4 m from it.",
        "At least 4 steady steps should be in the picture on each pass; 60 frames/s if your phone offers it.",
        "Good light, only the walker in the picture, shoes off or flat shoes.",
    )),
    "posture": Guide("posture", "Standing posture", ("front", "side"), "hip height", "2.5-4 m", "stand", (
        "Stand as you usually stand, feet hip-width apart, arms relaxed at your sides, looking straight ahead.",
        "Keep still for about five seconds. Record once facing the camera square and once with your side square "
        "to it (a quarter-turn).",
        "The camera level: a tilted camera tilts every line it measures.",
    )),
    "single_leg_squat": Guide("single_leg_squat", "Squat on one leg (single-leg squat)", ("front",),
                              "knee to hip height", "2.5-4 m", "one_leg", (
        "Face the camera square, hands on your hips.",
        "Stand on one leg and lift the other foot in front of you, its knee bent, the foot off the floor.",
        "Bend the standing knee slowly, about 2 seconds down and 2 up, until you are about halfway down to "
        "sitting on a chair (less if that is not comfortable), 3-5 times.",
        "Put the foot down, then do the same on the other leg, in the same clip or a second one.",
        "Stand near a wall or a chair you can touch if you lose your balance; stop if it hurts.",
    )),
    "sit_to_stand": Guide("sit_to_stand", "Standing up from a chair (sit-to-stand)", ("side", "front"),
                          "hip height", "2.5-4 m", "chair", (
        "Sit in the middle of the seat, feet flat on the floor about hip-width apart, arms crossed on your chest. "
        "Sit still for a moment before you start.",
        "Stand up fully and sit down again, as quickly as you safely can, without using your hands, for 30 "
        "seconds. The first five stands are timed for the five-times test, and the stands in 30 seconds are "
        "counted for the 30-second test.",
        "If 30 seconds is too much, stop after five stands: the five-times test is still measured.",
        "Record from the side (your side square to the camera); a second clip facing the camera shows the knees.",
        "Someone should stand nearby if you might be unsteady. Stop if it hurts or you feel dizzy.",
    ), room=(
        "A firm chair without arms, its seat 43-45 cm from the floor, its back against a wall so it cannot slide, "
        "and all of it in the picture.",
    )),
}
GUIDES["auto"] = Guide("auto", "Let the app decide", ("side",), "hip height", "2.5-4 m", "stand", (
    "Record a squat, a forward bend, walking, standing still for a posture check, a squat on one leg or standing up "
    "from a chair as described for that screen; the app tells which one it is from the movement.",
))
# Which screens use the person's height (fingertip-to-floor in cm; step length and walking speed), and the box's
# label for each: the box is shown only where it changes the result.
HEIGHT_USE = {"forward_bend": "how far the fingertips stay from the floor, in cm",
              "gait": "step length and walking speed",
              "auto": "step length and walking speed for a walk; fingertip-to-floor in cm for a forward bend"}


def setup_diagram(screen: str) -> bytes:
    """PNG of the set-up seen from above (camera, distance, which way to face) and from the side (camera height)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, Polygon, Rectangle

    guide = GUIDES.get(screen, GUIDES["auto"])
    fig, (top, side) = plt.subplots(1, 2, figsize=(8, 3.0), dpi=110)
    for ax in (top, side):
        ax.set_aspect("equal")
        ax.axis("off")

    # Seen from above: camera on the left, person 3 m away; side view = shoulders along the line of sight.
    top.set_title("From above", fontsize=10)
    top.add_patch(Rectangle((-0.15, -0.22), 0.45, 0.44, color="#333"))  # the camera, lens toward the person
    top.add_patch(Polygon([(0.3, 0.0), (0.5, 0.16), (0.5, -0.16)], color="#333"))
    top.add_patch(Polygon([(0.5, 0), (3.2, 1.2), (3.2, -1.2)], color="#1f77b4", alpha=0.08))
    top.text(0.1, -0.65, "camera", fontsize=8, ha="center")
    if guide.screen == "gait":
        top.add_patch(FancyArrowPatch((3.7, -1.4), (3.7, 1.4), arrowstyle="->", mutation_scale=12, color="#d62728"))
        top.add_patch(FancyArrowPatch((4.0, 1.4), (4.0, -1.4), arrowstyle="->", mutation_scale=12, color="#d62728"))
        top.text(4.2, 0, "walk across\nthe picture,\n6-10 m", fontsize=8, va="center", color="#d62728")
        top.add_patch(Ellipse((3.4, 0), 0.7, 0.35, color="#ff7f0e"))  # walking across: side to the camera
        top.plot([0.5, 3.4], [-1.05, -1.05], color="#555", lw=1)
        top.text(1.95, -1.35, guide.distance, fontsize=8, ha="center")
        top.set_xlim(-0.3, 5.3)
        top.set_ylim(-1.6, 1.6)
    else:
        top.add_patch(Ellipse((3.2, 0), 0.35, 0.7, color="#ff7f0e"))  # shoulders across the line of sight
        top.add_patch(Circle((3.2, 0), 0.14, color="#8c564b"))
        top.add_patch(FancyArrowPatch((3.2, 0), (2.75, 0), arrowstyle="->", mutation_scale=10, color="#2ca02c"))
        top.text(3.2, 0.55, "front clip: face the camera", fontsize=7.5, ha="center", color="#2ca02c")
        if "side" in guide.views:
            top.add_patch(Ellipse((3.2, -1.3), 0.7, 0.35, color="#ff7f0e", alpha=0.6))
            top.add_patch(Circle((3.2, -1.3), 0.14, color="#8c564b", alpha=0.8))
            top.add_patch(FancyArrowPatch((3.2, -1.3), (3.2, -1.75), arrowstyle="->", mutation_scale=10,
                                          color="#9467bd"))
            top.text(3.9, -1.35, "side clip:\nside to camera", fontsize=7.5, color="#9467bd", va="center")
        top.plot([0.5, 3.0], [0.95, 0.95], color="#555", lw=1)
        top.text(1.75, 1.05, guide.distance, fontsize=8, ha="center")
        top.set_xlim(-0.3, 5.0)
        top.set_ylim(-2.0, 1.4)

    # Seen from the side: the tripod at the guide's height, the person in the screen's own pose.
    side.set_title("From the side", fontsize=10)
    side.plot([-0.2, 4.2], [0, 0], color="#777", lw=1)
    lens = 0.95 if guide.camera == "hip height" else 0.7  # knee to hip height: between the two
    side.plot([0.2, 0.2], [0, lens], color="#333", lw=2)
    side.add_patch(Rectangle((0.08, lens), 0.3, 0.18, color="#333"))
    side.plot([0.38, 3.3], [lens + 0.09, 1.95], color="#1f77b4", lw=0.8, ls="--")
    side.plot([0.38, 3.3], [lens + 0.09, -0.05], color="#1f77b4", lw=0.8, ls="--")
    side.text(0.25, lens + 0.3, "lens level,\n" + guide.camera.replace("knee to hip", "knee to hip\n"),
              fontsize=7.5, ha="center")
    _person(side, guide.figure, 3.2)
    side.text(3.85, 1.2, "head to feet\nin the picture", fontsize=7.5, va="center")
    side.set_xlim(-0.3, 4.7)
    side.set_ylim(-0.2, 2.1)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


# Each pose as joints seen from the side, the person facing the camera (to the left): x from the body's line, y
# above the floor, in metres.
_POSES = {
    "stand": {"legs": [[(0.0, 0.95), (-0.03, 0.5), (-0.08, 0.02)], [(0.0, 0.95), (0.03, 0.5), (0.08, 0.02)]],
              "trunk": [(0.0, 0.95), (0.0, 1.5)], "head": (0.0, 1.65), "arms": [[(0.0, 1.45), (0.02, 0.85)]]},
    "walk": {"legs": [[(0.0, 0.95), (-0.12, 0.5), (-0.25, 0.02)], [(0.0, 0.95), (0.1, 0.5), (0.22, 0.04)]],
             "trunk": [(0.0, 0.95), (0.0, 1.5)], "head": (-0.02, 1.65),
             "arms": [[(0.0, 1.45), (0.12, 1.0)], [(0.0, 1.45), (-0.12, 1.0)]]},
    "squat": {"legs": [[(0.15, 0.5), (-0.25, 0.45), (0.0, 0.02)]], "trunk": [(0.15, 0.5), (-0.1, 1.05)],
              "head": (-0.14, 1.2), "arms": [[(-0.1, 1.0), (-0.2, 1.6)]]},
    "bend": {"legs": [[(0.1, 0.95), (0.05, 0.5), (0.0, 0.02)]], "trunk": [(0.1, 0.95), (-0.4, 0.6)],
             "head": (-0.52, 0.5), "arms": [[(-0.35, 0.62), (-0.38, 0.12)]]},
    "one_leg": {"legs": [[(0.05, 0.85), (-0.12, 0.45), (0.0, 0.02)], [(0.05, 0.85), (-0.35, 0.65), (-0.3, 0.3)]],
                "trunk": [(0.05, 0.85), (-0.05, 1.4)], "head": (-0.07, 1.55),
                "arms": [[(-0.04, 1.35), (0.12, 1.1), (0.05, 0.9)]]},
    "chair": {"legs": [[(0.2, 0.5), (-0.22, 0.5), (-0.22, 0.02)]], "trunk": [(0.2, 0.5), (0.12, 1.05)],
              "head": (0.1, 1.2), "arms": [[(0.12, 1.0), (-0.05, 0.88), (0.12, 0.78)]]},
}


def _person(ax, pose: str, x: float) -> None:
    """A stick figure in ``pose`` standing at ``x`` (a chair under the seated one, the lifted leg of the
    single-leg squat off the floor)."""
    from matplotlib.patches import Circle

    joints = _POSES[pose]
    if pose == "chair":  # seat at knee height, its back behind the person, legs to the floor
        ax.plot([x - 0.05, x + 0.4], [0.45, 0.45], color="#555", lw=3)
        ax.plot([x + 0.4, x + 0.45], [0.0, 1.0], color="#555", lw=3)
        ax.plot([x - 0.02, x - 0.02], [0.0, 0.45], color="#555", lw=2)
        ax.annotate("", xy=(x - 0.35, 1.35), xytext=(x - 0.35, 0.7),
                    arrowprops={"arrowstyle": "<->", "color": "#d62728"})
        ax.text(x - 0.42, 1.45, "stand up,\nsit down", fontsize=7, ha="center", color="#d62728")
    for limb in joints["legs"]:
        ax.plot([x + px for px, _ in limb], [py for _, py in limb], color="#ff7f0e", lw=4, solid_capstyle="round")
    ax.plot([x + px for px, _ in joints["trunk"]], [py for _, py in joints["trunk"]], color="#ff7f0e", lw=5,
            solid_capstyle="round")
    for limb in joints["arms"]:
        ax.plot([x + px for px, _ in limb], [py for _, py in limb], color="#e377c2", lw=2.5, solid_capstyle="round")
    hx, hy = joints["head"]
    ax.add_patch(Circle((x + hx, hy), 0.12, color="#8c564b"))
