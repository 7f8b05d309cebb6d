"""Finding videos in a folder and naming their result folders (no model needed)."""

from pathlib import Path

import pytest

from movement_screen.batch.discover import content_hash, find_videos, safe_name
from movement_screen.errors import InputError
from movement_screen.video.sniff import sniff


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(200)
MKV_HEAD = b"\x1a\x45\xdf\xa3" + bytes(200)
AVI_HEAD = b"RIFF\x00\x00\x00\x00AVI LIST" + bytes(200)
M4A_HEAD = b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00isomiso2" + bytes(200)


def test_containers_are_told_by_content():
    assert sniff(Path(__file__)) is None


@pytest.mark.parametrize("head, kind", [(MP4_HEAD, "mp4"), (MKV_HEAD, "matroska"), (AVI_HEAD, "avi"),
                                        (M4A_HEAD, None), (b"hello world" * 30, None)])
def test_sniff(tmp_path, head, kind):
    assert sniff(write(tmp_path / "f.bin", head)) == kind


def test_find_videos_by_content_and_name(tmp_path):
    root = tmp_path / "in"
    by_name = write(root / "a" / "clip.MOV", b"not really a video")  # kept: it fails later with a clear reason
    by_content = write(root / "b" / "recording.dat", MP4_HEAD)
    write(root / "b" / "photo.jpg", b"\xff\xd8\xff")
    write(root / "b" / "sound.m4a", M4A_HEAD)
    write(root / "notes.txt", b"hello")
    write(root / ".hidden" / "x.mp4", MP4_HEAD)
    write(root / ".x.mp4", MP4_HEAD)
    out = root / "results"
    write(out / "old" / "annotated.mp4", MP4_HEAD)  # the batch's own output is never input
    found = find_videos(root, exclude=out)
    assert found.videos == [by_name, by_content]
    assert dict(found.ignored) == {"image": 1, "audio": 1, "other": 1}


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        find_videos(tmp_path / "nope")


def test_result_names_are_safe_and_never_collide():
    names = [safe_name(Path(p)) for p in ("left/squat 1.mp4", "right/squat 1.mp4", "left/squat_1.mp4",
                                          "Ærø/日本 séance.mov", "a" * 300 + ".mp4")]
    assert len(set(names)) == len(names)
    for name in names:
        assert name.isascii() and " " not in name and "/" not in name and len(name) <= 90
    assert names[0].startswith("left__squat_1-")
    assert names[3].startswith("AEro___seance-")  # accents and letters spelled out, other scripts dropped
    assert safe_name(Path("left/squat 1.mp4")) == names[0]  # stable between runs


def test_content_hash_follows_bytes_not_names(tmp_path):
    a = write(tmp_path / "a.mp4", MP4_HEAD)
    b = write(tmp_path / "b.mp4", MP4_HEAD)
    c = write(tmp_path / "c.mp4", MP4_HEAD + b"x")
    assert content_hash(a) == content_hash(b) != content_hash(c)
