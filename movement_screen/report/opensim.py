"""OpenSim files: the subject's landmarks as markers (``markers.trc``) and the angle series (``angles.mot``).

Markers follow the convention Sports2D and Pose2Sim use for a single camera: the picture coordinates turned into
metres, X to the right of the picture, Y up, Z = 0 (one camera gives no depth). Metres per pixel come from the
person's height: ``--height-cm`` when given, else an assumed 1.70 m, and the first header line says which. The
person's height in the picture is 1.1 times the median nose-to-heel distance over the tallest fifth of the frames,
where they stand (the nose sits about a tenth of stature below the top of the head).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from movement_screen.pose import landmarks as lm

ASSUMED_HEIGHT_M = 1.70
HEAD_ABOVE_NOSE = 1.1  # stature / nose-to-heel height


def metres_per_pixel(src, height_cm: float | None) -> tuple[float, str]:
    """Scale for one source and the sentence that states where it came from."""
    seq = src.sequence
    heel = np.nanmean(seq.xy[:, [lm.L_HEEL, lm.R_HEEL], 1], axis=1)
    span = heel - seq.xy[:, lm.NOSE, 1]
    seen = np.sort(span[np.isfinite(span)])
    tall = seen[-max(1, len(seen) // 5):]  # the tallest fifth of the frames: the person standing
    body_px = HEAD_ABOVE_NOSE * float(np.median(tall)) if len(tall) else np.nan
    height_m = height_cm / 100 if height_cm else ASSUMED_HEIGHT_M
    how = (f"scale from the given height {height_m:.2f} m" if height_cm else
           f"scale ASSUMES a height of {ASSUMED_HEIGHT_M:.2f} m (give --height-cm for real metres)")
    return height_m / body_px, f"{how}; {body_px:.3f} px tall in the picture; X right, Y up, Z 0 (one camera)"


def marker_positions(src, scale: float) -> np.ndarray:
    """``[T, 33, 3]`` metres: X = x_px * scale, Y = (frame height - y_px) * scale, Z = 0; NaN where unseen."""
    seq = src.sequence
    out = np.zeros((len(seq.t), lm.COUNT, 3))
    out[..., 0] = seq.xy[..., 0] * scale
    out[..., 1] = (seq.height - seq.xy[..., 1]) * scale
    out[~np.isfinite(seq.xy[..., 0])] = np.nan
    return out


def write_trc(src, path: Path, height_cm: float | None = None) -> Path:
    """The subject of one source as OpenSim markers (TRC, tab-separated)."""
    scale, how = metres_per_pixel(src, height_cm)
    xyz = marker_positions(src, scale)
    t = np.asarray(src.sequence.t, float) - float(src.sequence.t[0])
    rate = src.sequence.fps or (1 / np.median(np.diff(t)) if len(t) > 1 else 30.0)
    n = len(t)
    lines = [f"PathFileType\t4\t(X/Y/Z)\t{path.name}\t{how}",
             "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
             f"{rate:.4f}\t{rate:.4f}\t{n}\t{lm.COUNT}\tm\t{rate:.4f}\t1\t{n}",
             "\t".join(["Frame#", "Time"] + [f"{name}\t\t" for name in lm.NAMES]).rstrip("\t"),
             "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, lm.COUNT + 1)),
             ""]
    for i in range(n):
        cells = [str(i + 1), f"{t[i]:.6f}"]
        for j in range(lm.COUNT):
            cells += ["" if not np.isfinite(v) else f"{v:.6f}" for v in xyz[i, j]]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_mot(src, path: Path) -> Path:
    """The subject's cleaned angle series of one source as an OpenSim motion file (degrees, ``time`` first)."""
    kin = src.kinematics
    names = sorted(kin.angles)
    t = np.asarray(kin.t, float) - float(kin.t[0])
    header = [path.name, "version=1", f"nRows={len(t)}", f"nColumns={len(names) + 1}", "inDegrees=yes",
              "endheader", "\t".join(["time"] + [n.removesuffix("_deg") for n in names])]
    rows = ["\t".join([f"{t[i]:.6f}"] + [f"{kin.angles[n][i]:.4f}" if np.isfinite(kin.angles[n][i]) else "NaN"
                                         for n in names]) for i in range(len(t))]
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    return path


def write_opensim(analysis, out_dir: Path, kinds: set[str], height_cm: float | None = None) -> list[Path]:
    """``markers.trc`` and/or ``angles.mot`` for each source (``_2``, ``_3`` for further clips)."""
    written = []
    for i, src in enumerate(analysis.sources):
        suffix = "" if i == 0 else f"_{i + 1}"
        if "trc" in kinds:
            written.append(write_trc(src, out_dir / f"markers{suffix}.trc", height_cm))
        if "mot" in kinds:
            written.append(write_mot(src, out_dir / f"angles{suffix}.mot"))
    return written
