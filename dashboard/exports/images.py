"""Chart images (PNG for slides, SVG for print and editing) rendered on the server from the
figure a page shows, with its title, area, period, source and "data as of" drawn in.

Rendering goes through kaleido, which drives a local Chromium (Debian's `chromium` package by
default, `VAX_CHROMIUM_PATH` to change it) with the plotly.js that ships with plotly: nothing is
fetched from the internet. The browser is started once per process and kept warm; the first
image costs a few seconds, later ones a fraction of one.
"""

from __future__ import annotations

import atexit
import copy
import os
import threading

import plotly.graph_objects as go

import settings
from dashboard.i18n import text

WIDTH, HEIGHT, SCALE = 1600, 900, 2  # 16:9 slide, drawn at twice its pixels for projectors
FORMATS = ("png", "svg")
MIME = {"png": "image/png", "svg": "image/svg+xml"}
FONT_SIZE = 18
TOP = 165  # title, subtitle and a legend row above the plot
BOTTOM = 150  # tick labels, axis title, the figure's own footnote, then the source line
SIDE = 50
SOURCE_FONT = 13
TALL_FIGURE = 600  # a figure drawn taller than this on the page keeps its height (long rankings)
RENDER_TIMEOUT = 60  # seconds for one image


class BrowserMissing(RuntimeError):
    """No Chromium to draw images with; `message(lang)` says so in the user's language."""

    def __init__(self, path: str) -> None:
        super().__init__(f"no executable browser at {path}")
        self.path = path

    def message(self, lang: str) -> str:
        return text("export_no_browser", lang)


class RenderFailed(RuntimeError):
    """The browser could not draw the figure."""

    def message(self, lang: str) -> str:
        return text("export_render_failed", lang)


_LOCK = threading.Lock()
_STARTED: list[str] = []  # the browser path the warm renderer runs, when it runs


def _browser() -> str:
    path = settings.chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise BrowserMissing(path)
    return path


def _ensure_renderer() -> None:
    """Start the shared renderer (one Chromium, kept for the process's life) once."""
    path = _browser()
    if _STARTED and _STARTED[0] == path:
        return
    import kaleido

    if _STARTED:
        kaleido.stop_sync_server(silence_warnings=True)
        _STARTED.clear()
    # mathjax=False: kaleido would otherwise load MathJax from a CDN; plotly.js comes from the
    # plotly package on disk.
    kaleido.start_sync_server(
        path=path, mathjax=False, timeout=RENDER_TIMEOUT, silence_warnings=True
    )
    _STARTED.append(path)


def _stop_renderer() -> None:
    if _STARTED:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _STARTED.clear()


atexit.register(_stop_renderer)


def warm_up() -> None:
    """Start the renderer now (e.g. before timing), so the first image is not the slow one."""
    tiny = go.Figure(go.Bar(x=[1], y=[1]), layout={"width": 200, "height": 100})
    render(tiny, "png", scale=1)


def source_line(source: str, data_as_of: str, lang: str) -> str:
    """ "Nguồn: ... · Dữ liệu cập nhật đến ..." """
    return text("export_source_line", lang).format(source=source, data_as_of=data_as_of)


def slide_spec(
    fig: go.Figure | dict,
    *,
    title: str,
    area: str,
    period: str,
    source: str,
    data_as_of: str,
    lang: str = "vi",
    width: int = WIDTH,
    height: int = HEIGHT,
    source_font: int = SOURCE_FONT,
) -> dict:
    """The figure as a plain dict laid out for a slide: the title with area and period under
    it at the top, the legend below them, and the source and data-as-of line (`source_font`
    px) at the foot.
    (A dict: a second validated figure would cost more than drawing it.)"""
    # A shared figure's dict is its own (figures.base.SharedFigure): laid out on a copy.
    spec = copy.deepcopy(fig.to_dict() if isinstance(fig, go.Figure) else fig)
    layout = spec.setdefault("layout", {})
    page_height = layout.get("height") or 0
    if page_height > TALL_FIGURE:  # a long ranking: keep every bar readable
        height = max(height, int(page_height * 1.3) + TOP + BOTTOM)
    plot_height = height - TOP - BOTTOM
    own = layout.get("margin") or {}  # a figure that sized its margins for its labels keeps them
    left, right = max(SIDE, own.get("l") or 0), max(SIDE, own.get("r") or 0)
    layout.update(
        width=width,
        height=height,
        autosize=False,
        paper_bgcolor="white",
        font={**(layout.get("font") or {}), "size": FONT_SIZE},
        margin={"l": left, "r": right, "t": TOP, "b": BOTTOM, "autoexpand": True},
        title={
            "text": f"<b>{title}</b>",
            "subtitle": {"text": " · ".join(p for p in (area, period) if p)},
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 20, "l": left},
            "font": {"size": 28},
        },
    )
    axes = {"xaxis", "yaxis", *(k for k in layout if k.startswith(("xaxis", "yaxis")))}
    for key in axes:
        layout[key] = {**(layout.get(key) or {}), "automargin": True}
    if layout.get("showlegend") is not False:
        legend = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}
        layout["legend"] = {**(layout.get("legend") or {}), **legend}
    # The source line in paper units, a few pixels above the picture's lower edge.
    layout["annotations"] = [
        *(layout.get("annotations") or []),
        {
            "text": source_line(source, data_as_of, lang),
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": -(BOTTOM - 10) / plot_height,
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "align": "left",
            "font": {"size": source_font, "color": "#444444"},
        },
    ]
    return spec


def annotated(fig: go.Figure, **marks) -> go.Figure:
    """`slide_spec` as a figure (to look at or test; `figure_image` draws the dict)."""
    return go.Figure(slide_spec(fig, **marks))


def render(fig: go.Figure | dict, fmt: str = "png", *, scale: float = SCALE) -> bytes:
    """The figure (or its dict) as PNG or SVG bytes, at the size its layout says (PNG at
    `scale`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use one of {FORMATS}")
    import kaleido

    layout = fig.get("layout", {}) if isinstance(fig, dict) else fig.layout.to_plotly_json()
    opts = {"format": fmt, "width": layout.get("width"), "height": layout.get("height")}
    if fmt == "png":
        opts["scale"] = scale
    with _LOCK:
        _ensure_renderer()
        try:
            return kaleido.calc_fig_sync(fig, opts=opts)
        except Exception as exc:  # the browser died or timed out: start afresh next time
            _stop_renderer()
            raise RenderFailed(str(exc)) from exc


def figure_image(
    fig: go.Figure,
    *,
    fmt: str = "png",
    title: str,
    area: str,
    period: str,
    source: str,
    data_as_of: str,
    lang: str = "vi",
    width: int = WIDTH,
    height: int = HEIGHT,
    scale: float = SCALE,
    source_font: int = SOURCE_FONT,
) -> bytes:
    """The chart as a file for slides and reports (PNG `width`x`height` at `scale`, or SVG),
    with its title, area, period, source and data-as-of drawn in. Raises BrowserMissing when
    there is no Chromium, RenderFailed when it could not draw."""
    laid_out = slide_spec(
        fig,
        title=title,
        area=area,
        period=period,
        source=source,
        data_as_of=data_as_of,
        lang=lang,
        width=width,
        height=height,
        source_font=source_font,
    )
    return render(laid_out, fmt, scale=scale)
