"""Chinese characters under a toast stay whole (the upstream cause is Textual 8.2.8's
``Compositor._render_chops``, Textualize/textual#6357).

Textual cuts every screen line at each widget's edges, all layers included, and cuts every
widget's line at all of them. A toast over the F3 form is cut where the form's columns end
beneath it; a double-width character across such a cut becomes two spaces ("报  已保存",
"还  有任何备份"), though the toast covers both sides. Here a line is cut only where what is
shown there changes hands: between the parts this widget shows and the parts a widget in front
of it already shows. A part it shows whole keeps its first bucket; the buckets it spans after
that hold an empty strip, so no widget behind claims them.

Replaces the one private method, pinned by ``tests/functional/test_wide_cuts.py`` (the toast's
text whole on screen, and the screen otherwise as Textual draws it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

_CLAIMED = Strip([])  # a bucket a wider part in front of it already shows


def _render_chops(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Strip]]:
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    # Front to back: the first render to fill a bucket wins it.
    for region, clip, strips in self._get_renders(crop):
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            bucket_starts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut][:-1]
            if not bucket_starts:
                continue
            free = [line.get(start) is None for start in bucket_starts]
            # part boundaries: where a free bucket meets a taken one, and the render's end
            starts = [bucket_starts[0]] + [
                start for index, start in enumerate(bucket_starts[1:], 1)
                if free[index] != free[index - 1]
            ]  # fmt: skip
            parts = strip.divide([start - render_x for start in [*starts[1:], last_cut]])
            part_at = dict(zip(starts, parts, strict=False))  # a short strip: fewer parts
            for start, is_free in zip(bucket_starts, free, strict=True):
                if not is_free:
                    continue
                if start in part_at:
                    line[start] = part_at[start]
                elif start not in starts:  # inside a part shown from an earlier bucket
                    line[start] = _CLAIMED
    return chops  # type: ignore[return-value]  # every bucket is filled by the screen's render


def keep_wide_characters_whole() -> None:
    """Install the cut above (once a process, before the first frame)."""
    Compositor._render_chops = _render_chops  # type: ignore[method-assign]
