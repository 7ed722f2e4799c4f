"""Which files may be attached, recognised by their content (the first bytes), never by the
name or the browser's claim: scans, photos, PDFs and audio recordings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first bytes (at least 16), or None if it is not allowed."""
    if head.startswith(b"%PDF-"):
        return FileType("application/pdf", ".pdf")
    if head.startswith(b"\xff\xd8\xff"):
        return FileType("image/jpeg", ".jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("image/png", ".png")
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return FileType("image/tiff", ".tif")
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return FileType("audio/wav", ".wav")
    if head.startswith(b"ID3") or _mpeg_audio_frame(head):
        return FileType("audio/mpeg", ".mp3")
    if head[4:8] == b"ftyp" and head[8:12] in {b"M4A ", b"mp42", b"isom", b"M4B "}:
        return FileType("audio/mp4", ".m4a")
    if head.startswith(b"#!AMR"):
        return FileType("audio/amr", ".amr")
    if head.startswith(b"OggS"):
        return FileType("audio/ogg", ".ogg")
    return None


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG layer III frame header: sync bits, layer III, a real bitrate and sample rate (so
    that a UTF-16 byte-order mark, FF FE, is not taken for one)."""
    return (
        len(head) > 2
        and head[0] == 0xFF
        and head[1] & 0xE6 == 0xE2
        and head[2] >> 4 not in (0x0, 0xF)
        and (head[2] >> 2) & 0x3 != 0x3
    )


ALLOWED_DESCRIPTION = "PDF, JPEG, PNG, TIFF, MP3, WAV, M4A, AMR, OGG"
