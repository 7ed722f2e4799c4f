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
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return FileType("audio/mpeg", ".mp3")
    if head[4:8] == b"ftyp" and head[8:12] in {b"M4A ", b"mp42", b"isom", b"M4B "}:
        return FileType("audio/mp4", ".m4a")
    if head.startswith(b"#!AMR"):
        return FileType("audio/amr", ".amr")
    if head.startswith(b"OggS"):
        return FileType("audio/ogg", ".ogg")
    return None


ALLOWED_DESCRIPTION = "PDF, JPEG, PNG, TIFF, MP3, WAV, M4A, AMR, OGG"
