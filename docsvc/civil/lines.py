"""OCR word boxes grouped into lines by their position on a (possibly skewed) page."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from statistics import median


@dataclass
class Word:
    text: str
    conf: float
    x: int
    y: int
    w: int
    h: int
    cy: float = 0.0  # deskewed middle

    @property
    def mid(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


@dataclass
class Line:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def start(self) -> float:
        return self.words[0].x

    def box(self) -> tuple[int, int, int, int]:
        return union(self.words)


def union(words: list[Word]) -> tuple[int, int, int, int]:
    x0 = min(w.x for w in words)
    y0 = min(w.y for w in words)
    x1 = max(w.x + w.w for w in words)
    y1 = max(w.y + w.h for w in words)
    return x0, y0, x1 - x0, y1 - y0


def _slope(words: list[Word], height: float) -> float:
    """Median slope between each word and its nearest neighbour to the right on the same
    row: the page's skew (tan of the angle)."""
    ordered = sorted(words, key=lambda w: w.x)
    slopes = []
    for i, a in enumerate(ordered):
        ax, ay = a.mid
        best = None
        for b in ordered[i + 1:i + 60]:
            gap = b.x - (a.x + a.w)
            if gap > 3 * height:
                break
            if gap < -height / 2:
                continue
            bx, by = b.mid
            if abs(by - ay) < 0.6 * height and (best is None or b.x < best.x):
                best = b
        if best is not None:
            bx, by = best.mid
            if bx - ax > height:
                slopes.append((by - ay) / (bx - ax))
    return median(slopes) if slopes else 0.0


def _group(words: list[Word], slope: float, height: float) -> list[Line]:
    for w in words:
        cx, cy = w.mid
        w.cy = cy - slope * cx
    lines: list[list[Word]] = []
    means: list[float] = []
    for w in sorted(words, key=lambda w: w.cy):
        if lines and abs(w.cy - means[-1]) <= 0.5 * height:
            lines[-1].append(w)
            n = len(lines[-1])
            means[-1] += (w.cy - means[-1]) / n
        else:
            lines.append([w])
            means.append(w.cy)
    return [Line(sorted(ws, key=lambda w: w.x)) for ws in lines]


def _refined_slope(lines: list[Line], height: float, first: float) -> float:
    """Median least-squares slope of the long lines found with the first estimate."""
    slopes = []
    for line in lines:
        if len(line.words) < 4:
            continue
        pts = [w.mid for w in line.words]
        xs = [p[0] for p in pts]
        if max(xs) - min(xs) < 20 * height:
            continue
        mx = sum(xs) / len(xs)
        my = sum(p[1] for p in pts) / len(pts)
        den = sum((x - mx) ** 2 for x in xs)
        if den:
            slopes.append(sum((x - mx) * (y - my) for x, y in pts) / den)
    return median(slopes) if len(slopes) >= 3 else first


def to_lines(raw_words) -> list[Line]:
    """Word boxes ``[text, conf, x, y, w, h]`` grouped into lines, top to bottom."""
    words = []
    for item in raw_words:
        text, conf, x, y, w, h = item[:6]
        text = unicodedata.normalize("NFC", str(text)).strip()
        if text and w > 0 and h > 0:
            words.append(Word(text, float(conf), int(x), int(y), int(w), int(h)))
    if not words:
        return []
    height = median(w.h for w in words)
    first = _slope(words, height)
    lines = _group(words, first, height)
    refined = _refined_slope(lines, height, first)
    if abs(refined - first) > 1e-4:
        lines = _group(words, refined, height)
    return lines

