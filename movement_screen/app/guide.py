"""How to film each screen: plain-language steps and a drawn set-up diagram (camera, distance, view)."""

from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Guide:
    screen: str
    title: str
    views: tuple[str, ...]  # "side" and/or "front", in the order to record them
    steps: tuple[str, ...]
    movement: tuple[str, ...]


COMMON = (
    "Put the phone or camera on a tripod (or a shelf) at hip height, lens level, in landscape or portrait.",
    "Stand 2.5-4 m away so your whole body, head to feet, fills most of the picture with a little room above "
    "and below.",
    "Good even light, a plain background, and only you in the picture.",
    "Fitted clothes; bare feet or low shoes so heels and toes can be seen.",
)

GUIDES = {
    "squat": Guide("squat", "Deep squat (arms overhead)", ("side", "front"), COMMON, (
        "Feet shoulder-width apart, arms straight up overhead (a broom handle helps).",
        "Go down slowly as deep as you can with your heels on the floor, hold the bottom for about one second, "
        "and stand up. Do it three times.",
        "Record once from the side and once from the front. Side: your side square to the camera, a quarter-turn "
        "from facing it (a camera less than about a quarter of that way round cannot judge the trunk, heels and "
        "arms: the result then says how far to move it). Front: facing the camera square.",
        "Stop if it hurts: pain needs a clinician, not a score.",
    )),
    "forward_bend": Guide("forward_bend", "Standing forward bend (toe touch)", ("side", "front"), COMMON, (
        "Stand tall, feet together, knees straight.",
        "Bend forward reaching toward the floor, pause 1-2 seconds, and come back up slowly. Do it three times.",
        "Record from the side; a front clip also shows any sideways shift.",
    )),
    "gait": Guide("gait", "Walking (gait)", ("side",), (
        "Camera on a tripod at hip height, side-on to a 6-10 m straight walkway, 3-4 m from it.",
        "At least 4 steady steps should be in the picture on each pass; 60 frames/s if your phone offers it.",
        "Good light, only the walker in the picture, shoes off or flat shoes.",
    ), (
        "Walk at your usual pace across the picture, turn beyond the edge, and walk back. Three or four passes.",
        "Give your height in centimetres for step length and walking speed.",
    )),
    "posture": Guide("posture", "Standing posture", ("front", "side"), COMMON, (
        "Stand as you usually stand, feet hip-width apart, arms relaxed at your sides, looking straight ahead.",
        "Keep still for about five seconds. Record once facing the camera square and once with your side square "
        "to it (a quarter-turn).",
        "The camera level and at hip height: a tilted camera tilts every line it measures.",
    )),
    "single_leg_squat": Guide("single_leg_squat", "Squat on one leg (single-leg squat)", ("front",), COMMON, (
        "Face the camera square, 2-3 m away, camera at knee to hip height; bare feet, hands on your hips.",
        "Stand on one leg and lift the other foot in front of you (hip and knee bent, the foot off the floor).",
        "Bend the standing knee slowly, about 2 seconds down and 2 up, as far as is comfortable (about 60 degrees), "
        "3-5 times. Put the foot down, then do the same on the other leg, in the same clip or a second one.",
        "Stand near a wall or a chair you can touch if you lose your balance; stop if it hurts.",
    )),
    "sit_to_stand": Guide("sit_to_stand", "Standing up from a chair (sit-to-stand)", ("side", "front"), COMMON, (
        "A firm chair without arms, about knee height (43-45 cm), its back against a wall so it cannot slide.",
        "Sit in the middle of the seat, feet flat on the floor about hip-width apart, arms crossed on your chest.",
        "Stand up fully and sit down 5 times as quickly as you safely can, without using your hands; for the "
        "30-second test, keep going for 30 seconds. Sit still for a moment before you start.",
        "Record from the side (your side square to the camera); a second clip facing the camera shows the knees.",
        "Someone should stand nearby if you might be unsteady. Stop if it hurts or you feel dizzy.",
    )),
}
GUIDES["auto"] = Guide("auto", "Let the app decide", ("side",), COMMON, (
    "Record a squat, a forward bend, walking, standing still for a posture check, a squat on one leg or standing up "
    "from a chair as described for that screen; the app tells which one it is from the movement.",
))


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
        top.text(1.95, -1.35, "3-4 m", fontsize=8, ha="center")
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
        top.text(1.75, 1.05, "2.5-4 m", fontsize=8, ha="center")
        top.set_xlim(-0.3, 5.0)
        top.set_ylim(-2.0, 1.4)

    # Seen from the side: tripod at hip height, the whole body in the picture.
    side.set_title("From the side", fontsize=10)
    side.plot([-0.2, 4.2], [0, 0], color="#777", lw=1)
    side.plot([0.2, 0.2], [0, 0.95], color="#333", lw=2)
    side.add_patch(Rectangle((0.08, 0.95), 0.3, 0.18, color="#333"))
    side.plot([0.38, 3.3], [1.04, 1.95], color="#1f77b4", lw=0.8, ls="--")
    side.plot([0.38, 3.3], [1.04, -0.05], color="#1f77b4", lw=0.8, ls="--")
    side.text(0.25, 1.25, "lens level,\nhip height", fontsize=7.5, ha="center")
    body_x = 3.2
    side.add_patch(Circle((body_x, 1.65), 0.12, color="#8c564b"))
    side.plot([body_x, body_x], [1.52, 0.95], color="#ff7f0e", lw=5)
    side.plot([body_x, body_x - 0.08], [0.95, 0.02], color="#ff7f0e", lw=4)
    side.plot([body_x, body_x + 0.08], [0.95, 0.02], color="#ff7f0e", lw=4)
    side.text(3.75, 0.9, "head to feet\nin the picture", fontsize=7.5, va="center")
    side.set_xlim(-0.3, 4.6)
    side.set_ylim(-0.2, 2.1)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
