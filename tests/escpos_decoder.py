"""An ESC/POS reader for tests: the bytes a printer received turned back into what the paper shows.

Written from the command descriptions (Epson ESC/POS reference: ESC @, ESC a, ESC E, ESC !, GS !, ESC t, ESC d,
ESC p, GS V, GS ( k, GS k with GS h/w/f/H, GS v 0, DLE EOT) and strict: a byte it does not know fails the test,
so garbage sent to a printer cannot pass unseen. Lines are laid out the way the printer would: aligned by ESC a in
the paper's columns, double-width text in half as many.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A


@dataclass(frozen=True)
class Line:
    text: str
    align: int = 0  # 0 left, 1 centre, 2 right
    bold: bool = False
    wide: bool = False  # double width


@dataclass
class Paper:
    events: list[tuple[object, ...]] = field(default_factory=list)  # ("line", Line) ("cut",) ("kick", pin) …

    def lines(self) -> list[Line]:
        return [e[1] for e in self.events if e[0] == "line"]  # type: ignore[misc]

    def text_lines(self, width: int) -> list[str]:
        """The printed lines as `width` columns show them (trailing blank lines dropped)."""
        out = [_laid(line, width) for line in self.lines()]
        while out and not out[-1]:
            out.pop()
        return out

    def count(self, kind: str) -> int:
        return sum(1 for e in self.events if e[0] == kind)

    def of(self, kind: str) -> list[tuple[object, ...]]:
        return [e for e in self.events if e[0] == kind]


def _laid(line: Line, width: int) -> str:
    columns = width // 2 if line.wide else width
    if line.align == 1:
        return line.text.center(columns).rstrip()
    if line.align == 2:
        return line.text.rjust(columns)
    return line.text


class DecodeError(AssertionError):
    pass


def decode(data: bytes) -> Paper:
    return _Decoder(data).run()


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.i = 0
        self.paper = Paper()
        self.text = bytearray()
        self.reset()

    def reset(self) -> None:
        self.align, self.bold, self.wide = 0, False, False

    def take(self, n: int) -> bytes:
        if self.i + n > len(self.data):
            raise DecodeError(f"command cut short at byte {self.i}")
        chunk = self.data[self.i:self.i + n]
        self.i += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def run(self) -> Paper:
        while self.i < len(self.data):
            b = self.byte()
            if b == LF:
                self.end_line()
            elif b == ESC:
                self.esc(self.byte())
            elif b == GS:
                self.gs(self.byte())
            elif b == DLE:
                if self.byte() != 0x04:
                    raise DecodeError(f"unknown DLE command at {self.i}")
                self.paper.events.append(("status", self.byte()))
            elif 0x20 <= b < 0x7F:
                if not self.text:
                    self.style = (self.align, self.bold, self.wide)
                self.text.append(b)
            else:
                raise DecodeError(f"byte {b:#04x} at {self.i - 1} is not text nor a known command")
        if self.text:
            raise DecodeError("text left unprinted at the end (no line feed)")
        return self.paper

    def end_line(self) -> None:
        align, bold, wide = self.style if self.text else (self.align, self.bold, self.wide)
        self.paper.events.append(("line", Line(self.text.decode("ascii"), align, bold, wide)))
        self.text = bytearray()

    def esc(self, c: int) -> None:
        if c == ord("@"):
            self.reset()
        elif c == ord("a"):
            self.align = self.byte() % 48
        elif c == ord("E"):
            self.bold = bool(self.byte() & 1)
        elif c == ord("!"):
            mode = self.byte()
            self.bold, self.wide = bool(mode & 0x08), bool(mode & 0x20)
        elif c == ord("t"):
            self.byte()  # code page: our text is ASCII, the same in all of them
        elif c == ord("d"):
            self.paper.events.extend(("line", Line("")) for _ in range(self.byte()))
        elif c == ord("p"):
            pin, _on, _off = self.take(3)
            self.paper.events.append(("kick", pin % 48))
        else:
            raise DecodeError(f"unknown ESC {c:#04x} at {self.i - 1}")

    def gs(self, c: int) -> None:
        if c == ord("!"):
            self.wide = (self.byte() >> 4) > 0
        elif c == ord("V"):
            m = self.byte()
            if m in (65, 66):
                self.byte()
            self.paper.events.append(("cut",))
        elif c in (ord("h"), ord("w"), ord("f"), ord("H")):
            self.byte()
        elif c == ord("k"):
            self.barcode()
        elif c == ord("("):
            self.two_d()
        elif c == ord("v"):
            self.raster()
        else:
            raise DecodeError(f"unknown GS {c:#04x} at {self.i - 1}")

    def barcode(self) -> None:
        m = self.byte()
        if m <= 6:
            end = self.data.index(0, self.i)
            data = self.take(end - self.i)
            self.byte()
        else:
            data = self.take(self.byte())
        kind = {2: "EAN13", 67: "EAN13", 73: "CODE128"}.get(m, str(m))
        text = data.decode("ascii")
        if kind == "CODE128" and text[:2] in ("{A", "{B", "{C"):
            text = text[2:]
        self.paper.events.append(("barcode", kind, text))
        self.paper.events.append(("line", Line(text, 1)))  # the human-readable digits under the bars

    def two_d(self) -> None:
        if self.byte() != ord("k"):
            raise DecodeError("only GS ( k (QR code) is expected")
        low, high = self.take(2)
        body = self.take(low + high * 256)
        cn, fn = body[0], body[1]
        if cn != ord("1"):
            raise DecodeError("2D code other than QR")
        if fn == 80:
            self.qr_data = body[3:].decode("utf-8")
        elif fn == 81:
            self.paper.events.append(("qr", self.qr_data))

    def raster(self) -> None:
        if self.byte() != ord("0"):
            raise DecodeError("only GS v 0 raster images are expected")
        self.byte()  # density
        xl, xh, yl, yh = self.take(4)
        width_bytes, height = xl + xh * 256, yl + yh * 256
        self.take(width_bytes * height)
        self.paper.events.append(("image", width_bytes * 8, height))
