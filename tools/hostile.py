"""Files a visitor might upload by mistake or on purpose, for the demo's tests and its benchmark."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw


def hostile_files(folder: Path) -> dict[str, Path]:
    """Files a visitor might upload by mistake or on purpose: a PNG that declares 50,000 × 50,000
    pixels in a few kilobytes (a decompression bomb), an SVG with a script inside, an animated
    GIF, an empty file and a JPEG cut off half-way."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    side = 50_000
    rows = zlib.compressobj(9)
    blank_row = b"\0" * (1 + side // 8)  # a filter byte, then one bit per pixel
    stream = b"".join(rows.compress(blank_row) for _ in range(200)) + rows.flush()  # 200 of its rows
    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", stream) + chunk(b"IEND", b""))
    frames = []
    for x in (40, 60):
        frame = Image.new("L", (100, 100), 255)
        ImageDraw.Draw(frame).line([(x, 15), (x, 85)], fill=0, width=8)
        frames.append(frame)
    gif = io.BytesIO()
    frames[0].save(gif, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    photo = io.BytesIO()
    frame = Image.new("L", (400, 400), 255)
    ImageDraw.Draw(frame).line([(200, 60), (200, 340)], fill=0, width=30)
    frame.save(photo, format="JPEG", quality=90)
    files = {
        "bomb.png": bomb,
        "script.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
                      b'<script>document.title = "scripted"</script><path d="M50 10V90" stroke="#000"/></svg>',
        "animated.gif": gif.getvalue(),
        "empty.png": b"",
        "truncated.jpg": photo.getvalue()[: len(photo.getvalue()) // 2],
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in files}
