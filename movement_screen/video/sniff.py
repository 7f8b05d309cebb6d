"""Tell a video container from its first bytes, whatever the file is called."""

from __future__ import annotations

from pathlib import Path

ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
AUDIO_BRANDS = (b"M4A ", b"M4B ", b"M4P ", b"F4A ")


def sniff(path: Path) -> str | None:
    """The container a file's first bytes announce ("mp4", "matroska", ...), or None for anything else."""
    try:
        with open(path, "rb") as f:
            head = f.read(192)
    except OSError:
        return None
    if len(head) >= 12 and head[4:8] in ISO_BOXES:
        return None if head[4:8] == b"ftyp" and head[8:12] in AUDIO_BRANDS else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return "mpegts"
    if head.startswith(b"\x00\x00\x01\xba"):
        return "mpeg"
    if head.startswith(b"FLV"):
        return "flv"
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return "asf"
    return None
