"""angles.png: the key angle series of each clip, and the screen's own signal (squat depth, bend angle and
fingertip height, or the feet relative to the pelvis with the gait events)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from movement_screen.kinematics import geometry as geo
from movement_screen.screens.bend import fingertip_height, trunk_flexion
from movement_screen.screens.posture import quiet_samples
from movement_screen.screens.sit_to_stand import hip_rise
from movement_screen.screens.squat import hip_drop


def plot_angles(analysis, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sources = analysis.sources
    fig, axes = plt.subplots(len(sources), 2, figsize=(12, 3.6 * len(sources)), squeeze=False)
    for row, (src, view_screen) in enumerate(zip(sources, analysis.view_screens)):
        kin = src.kinematics
        t = kin.t - kin.t[0]
        ax_angles, ax_depth = axes[row]
        for side, style in (("left", "-"), ("right", "--")):
            ax_angles.plot(t, kin.angles[f"knee_flexion_{side}_deg"], style, color="tab:blue", label=f"knee flexion {side}")
        if kin.view.sagittal_like:
            near = kin.view.near_side
            ax_angles.plot(t, kin.angles[f"hip_flexion_{near}_deg"], color="tab:orange", label=f"hip flexion {near}")
            ax_angles.plot(t, kin.angles["trunk_inclination_deg"], color="tab:green", label="trunk inclination")
            ax_angles.plot(t, kin.angles[f"tibia_inclination_{near}_deg"], color="tab:purple",
                           label=f"shin inclination {near}")
        else:
            ax_angles.plot(t, kin.angles["trunk_lateral_deg"], color="tab:green", label="trunk lateral lean")
        ax_angles.set_ylabel("degrees")
        ax_angles.set_title(f"{Path(analysis.result.sources[row].path).name}: {kin.view.describe()}", fontsize=9)
        screen = analysis.result.screen
        if screen == "gait":
            _gait_panel(ax_depth, kin, view_screen, t)
        elif screen == "posture":
            _posture_panel(ax_depth, kin, t)
        elif screen == "sit_to_stand":
            _sit_to_stand_panel(ax_depth, kin, view_screen, t)
        elif screen == "single_leg_squat":
            _single_leg_panel(ax_depth, kin, view_screen, t)
        elif screen == "forward_bend":
            ax_depth.plot(t, trunk_flexion(kin), color="tab:green", label="trunk from vertical (deg)")
            ax_depth.plot(t, 100 * fingertip_height(kin), color="tab:brown",
                          label="fingertip above floor (% of height)")
            ax_depth.axhline(0, color="grey", lw=0.5)
            ax_depth.set_ylabel("degrees / % of height")
            ax_depth.set_title("forward bend: trunk angle and fingertip height", fontsize=9)
        else:
            ax_depth.plot(t, hip_drop(kin), color="black", label="hip drop (leg lengths)")
            ax_depth.axhline(0, color="grey", lw=0.5)
            ax_depth.set_ylabel("hip drop / leg length")
            ax_depth.invert_yaxis()
            ax_depth.set_title("squat depth (down is deeper)", fontsize=9)
        for ax in (ax_angles, ax_depth):
            for rep in view_screen.repetitions:
                ax.axvspan(rep.start_s - kin.t[0], rep.end_s - kin.t[0], color="tab:blue", alpha=0.08)
                ax.axvline(rep.bottom_s - kin.t[0], color="tab:red", lw=1, ls=":")
            ax.set_xlabel("time (s)")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7, loc="best")
        if view_screen.best is not None and analysis.result.screen == "squat":
            best = view_screen.repetitions[view_screen.best]
            ax_depth.annotate(f"bottom of rep {best.index}", (best.bottom_s - kin.t[0],
                                                              best.depth_leg_fraction or 0),
                              textcoords="offset points", xytext=(8, -12), fontsize=8, color="tab:red")
    with warnings.catch_warnings():  # a clip named in a script the font lacks: boxes in the title, no warning
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.tight_layout()
        fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _gait_panel(ax, kin, view_screen, t) -> None:
    """Heels relative to the mid-hip along each pass's walking direction, with the events found on them."""
    hip = kin.mid_hip[:, 0]
    direction = np.full(len(kin.t), np.nan)
    for walk in view_screen.passes:
        direction[kin.sample_at(walk.start_s):kin.sample_at(walk.end_s) + 1] = walk.direction
        ax.axvspan(walk.start_s - kin.t[0], walk.end_s - kin.t[0], color="tab:grey", alpha=0.08)
    colours = {"left": "tab:blue", "right": "tab:red"}
    for side, colour in colours.items():
        heel = direction * (kin.side(side, "heel")[:, 0] - hip) / kin.lengths.leg
        toe = direction * (kin.side(side, "toe")[:, 0] - hip) / kin.lengths.leg
        ax.plot(t, heel, color=colour, label=f"{side} heel ahead of hips")
        ax.plot(t, toe, color=colour, ls=":", lw=1, label=f"{side} toe")
        for event in view_screen.events:
            if event.side != side:
                continue
            i = kin.sample_at(event.time_s)
            y = heel[i] if event.type == "heel_strike" else toe[i]
            ax.plot(event.time_s - kin.t[0], y, "v" if event.type == "heel_strike" else "^", color=colour, ms=7,
                    mfc="none" if event.rejected else colour)
    ax.set_ylabel("leg lengths ahead of the hips")
    ax.set_title("gait: heel strikes (v) and toe-offs (^); hollow = left out of the timing", fontsize=9)


def _single_leg_panel(ax, kin, view_screen, t) -> None:
    """Single-leg squat: which foot is lifted and how far, the stretches on each leg shaded, and each squat's bottom
    marked with the knee's place over the toes (the judged knee measure)."""
    from movement_screen.screens.single_leg import foot_lift, stance_stretches

    lift = foot_lift(kin)
    ax.plot(t, lift, color="black", label="foot lifted (shank lengths, + left foot, - right foot)")
    colours = {"left": "tab:blue", "right": "tab:orange"}
    for stretch in stance_stretches(kin, lift):
        ax.axvspan(t[stretch.start], t[stretch.stop - 1], color=colours[stretch.stance], alpha=0.10)
    for side in ("left", "right"):
        reps = [r for r in view_screen.repetitions if (r.measures["stance_left"] == 1.0) == (side == "left")]
        if reps:
            ax.plot([r.bottom_s - kin.t[0] for r in reps], [r.measures["knee_inside_toe_shank"] for r in reps], "v",
                    color=colours[side], ms=7, label=f"on the {side} leg: knee inside the toes at the bottom")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_ylabel("shank lengths")
    ax.set_title("single-leg squat: lifted foot, stretches on each leg (shaded), each squat's knee place (v)",
                 fontsize=9)


def _sit_to_stand_panel(ax, kin, view_screen, t) -> None:
    """Sit-to-stand: the hips' height from the seat (0) to standing (1), each full stand marked, and the span the
    five-times sit-to-stand time covers (and the 30-s mark when the clip is long enough)."""
    ax.plot(t, hip_rise(kin), color="black", label="hips: 0 seated, 1 standing")
    for rep in view_screen.repetitions:
        ax.plot(rep.bottom_s - kin.t[0], 1.0, "v", color="tab:red", ms=6)
        ax.annotate(str(rep.index), (rep.bottom_s - kin.t[0], 1.0), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize=7, color="tab:red")
    start, total = view_screen.metrics.get("first_rise_start_s"), view_screen.metrics.get("five_times_sit_to_stand_s")
    if start is not None and total is not None and np.isfinite(total):
        ax.axvspan(start - kin.t[0], start + total - kin.t[0], color="tab:orange", alpha=0.12,
                   label=f"five stands: {total:.1f} s")
    count = view_screen.metrics.get("chair_stands_30s")
    if start is not None and count is not None:
        ax.axvline(start + 30.0 - kin.t[0], color="tab:orange", lw=1.2, label=f"30 s: {count:.0f} stands")
    ax.set_ylim(-0.2, 1.3)
    ax.set_ylabel("share of the rise")
    ax.set_title("sit-to-stand: hip height, each full stand (v)", fontsize=9)


def _posture_panel(ax, kin, t) -> None:
    """Standing posture: the lines the screen judges, over time, with the quiet stretch it took medians over."""
    if kin.view.kind == "frontal":
        ax.plot(t, geo.line_tilt(kin.side("right", "shoulder"), kin.side("left", "shoulder")), color="tab:blue",
                label="shoulder line tilt (deg)")
        ax.plot(t, geo.line_tilt(kin.side("right", "hip"), kin.side("left", "hip")), color="tab:orange",
                label="hip line tilt (deg)")
        ax.set_title("standing posture from the front: level lines", fontsize=9)
    else:
        lean = geo.inclination(kin.mid_hip, kin.mid_shoulder, kin.view.facing)
        hips = geo.inclination(kin.mid_ankle, kin.mid_hip, kin.view.facing)
        ax.plot(t, lean, color="tab:green", label="trunk from vertical (deg, + forward)")
        ax.plot(t, hips, color="tab:brown", label="hips ahead of the ankles (deg)")
        ax.set_title("standing posture from the side", fontsize=9)
    quiet = quiet_samples(kin)
    if len(quiet):
        ax.axvspan(t[quiet[0]], t[quiet[-1]], color="tab:green", alpha=0.08, label="quiet standing (measured)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_ylabel("degrees")
