"""The pose pass's pictures kept for the annotated video (video/kept.py): the source is decoded once, the copy is
faithful, private and always deleted."""

import os
from pathlib import Path

import numpy as np

from movement_screen.video.kept import KeptFrames


def moving_square(count: int, size=(320, 180)) -> list[np.ndarray]:
    """Pictures of a bright square crossing a dark gradient, one step per picture."""
    w, h = size
    base = np.tile(np.linspace(20, 120, w, dtype=np.uint8), (h, 1))
    out = []
    for i in range(count):
        image = np.stack([base, base // 2, 255 - base], axis=2).copy()
        x = 10 + 7 * i
        image[60:110, x:x + 50] = (250, 240, 30)
        out.append(image)
    return out


def test_kept_pictures_come_back_in_order_and_nearly_unchanged():
    pictures = moving_square(40)
    kept = KeptFrames(30)
    for picture in pictures:
        kept.add(picture)
    kept.close()
    assert kept.usable and kept.count == 40 and kept.size == (320, 180)
    back = list(kept.pictures())
    assert len(back) == 40
    for original, copy in zip(pictures, back):
        assert copy.shape == original.shape
        assert np.mean(np.abs(copy.astype(int) - original.astype(int))) < 3  # near-lossless
        # the square is where it was in this very picture (order kept)
        column = np.argmax(copy[85, :, 2] < 100)
        assert abs(column - np.argmax(original[85, :, 2] < 100)) <= 1
    path = kept.path
    kept.discard()
    assert not Path(path).exists()


def test_the_temporary_copy_is_private_and_deleted_when_dropped():
    kept = KeptFrames(25)
    kept.add(moving_square(1)[0])
    kept.close()
    path = kept.path
    assert os.stat(path).st_mode & 0o077 == 0  # a copy of a patient's video: readable by this user only
    del kept
    assert not Path(path).exists()


def test_a_failed_encoder_keeps_nothing_and_never_stops_the_pose_pass():
    kept = KeptFrames(30)
    odd = np.zeros((181, 321, 3), np.uint8)  # odd sizes cannot be encoded as yuv420p
    for _ in range(30):  # more than the queue holds: add() must not block or raise
        kept.add(odd)
    kept.close()
    assert not kept.usable
    kept.discard()


def test_the_copies_of_a_killed_process_are_deleted_by_the_next_analysis(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    from movement_screen.video.kept import PREFIX

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"{PREFIX}{int(gone.stdout)}-abc123.mp4"  # a process killed before it could delete its copy
    dead.write_bytes(b"frames")
    alive = tmp_path / f"{PREFIX}{os.getpid()}-def456.mp4"  # this process's own, still in use
    alive.write_bytes(b"frames")
    kept = KeptFrames(30)
    assert not dead.exists() and alive.exists()
    assert Path(kept.path).parent == tmp_path and Path(kept.path).name.startswith(f"{PREFIX}{os.getpid()}-")
    kept.discard()
