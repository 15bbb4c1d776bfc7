"""Render a referral dossier as a self-contained HTML page (Jinja2) or a PDF (WeasyPrint).

Shared by the web pages, the API and the CLI (which may import the web adapter); offline.

The template prints only what the :class:`~resettle.referral.dossier.Dossier` holds; every value
cell carries ``data-field`` so tests can check the page against the agreement. Names in the
members' own script (Persian, Arabic) are set right-to-left in a font that covers Arabic
script, shaped by Pango/HarfBuzz. No CDN and no network: the PDF embeds a font found on this
machine (see :func:`script_font_file`); the HTML names the same families for the browser.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from resettle.core.codes import country_name
from resettle.referral.dossier import Dossier
from resettle.referral.fields import CATALOGUE, Value

# The environment variable that names a font file for Arabic-script names, if set.
FONT_ENV = "RESETTLE_SCRIPT_FONT"
# Font files that cover Arabic script (Persian letters included), best first. Debian packages:
# fonts-noto-core (Noto Naskh/Sans Arabic), fonts-dejavu-core (DejaVu Sans, on every image).
SCRIPT_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
SCRIPT_FAMILY = "Resettle Own Script"  # the @font-face name the PDF gives the file found
_FALLBACK_FAMILIES = '"Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", sans-serif'
# Fields printed in the member's own script.
OWN_SCRIPT_FIELDS = frozenset({"given_name_original", "family_name_original"})
_COUNTRY_FIELDS = frozenset({"nationality"})


def script_font_file() -> Path | None:
    """A font file covering Arabic script: $RESETTLE_SCRIPT_FONT, else the first candidate
    installed, else any ``*Arabic*`` TrueType font under /usr/share/fonts; None if none."""
    named = os.environ.get(FONT_ENV, "")
    if named and Path(named).is_file():
        return Path(named)
    for candidate in SCRIPT_FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    found = sorted(Path("/usr/share/fonts").glob("**/*Arabic*-Regular.[ot]tf"))
    return found[0] if found else None


def text_direction(text: object) -> str:
    """"rtl" if the first strong character is right-to-left (Arabic, Hebrew...), else "ltr"."""
    for char in str(text):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def _show(name: str, value: Value) -> Markup:
    """One value as HTML: text escaped, lists as items, nothing recorded said so."""
    if value == ():
        return Markup('<span class="none">none recorded</span>')
    if value is None or value == "":
        return Markup('<span class="none">not recorded</span>')
    if isinstance(value, tuple):
        items = [_item(v) for v in value]
        return Markup("<ul>") + Markup("").join(
            Markup("<li>") + item + Markup("</li>") for item in items) + Markup("</ul>")
    if name in _COUNTRY_FIELDS:
        return escape(_country(str(value)))
    return escape(str(value).replace("_", " ") if name in _ENUM_FIELDS else str(value))


_ENUM_FIELDS = frozenset({"processing_priority", "primary_category", "secondary_category",
                          "birth_date_precision", "relationship", "education"})


def _item(value: str | Mapping[str, str]) -> Markup:
    if isinstance(value, str):
        return escape(value.replace("_", " "))
    if "relation" in value:  # a relative abroad
        return escape(f"{value['name']} ({value['relation']}, {_country(value['country'])})")
    services = f"; needs {value['services'].replace('_', ' ')}" if value.get("services") else ""
    return escape(f"{value['name']}: {value['severity']}{services}")


def _country(code: str) -> str:
    name = country_name(code)
    return f"{name} ({code})" if name != code else code


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("resettle.adapters.web", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["direction"] = text_direction
    env.filters["country"] = _country
    return env


def render_dossier_html(dossier: Dossier) -> str:
    """The dossier as one self-contained HTML page (inline CSS; no script, no external file)."""
    return _render_html(dossier, font_css="")


def _render_html(dossier: Dossier, *, font_css: str) -> str:
    """The page; ``font_css`` (trusted, built here) embeds a font file for the PDF only."""
    families = f'"{SCRIPT_FAMILY}", {_FALLBACK_FAMILIES}' if font_css else _FALLBACK_FAMILIES
    template = _environment().get_template("dossier.html")
    return template.render(
        d=dossier, labels={name: spec.label for name, spec in CATALOGUE.items()},
        show=_show, own_script=OWN_SCRIPT_FIELDS, font_css=Markup(font_css),
        script_families=Markup(families),
    )


def render_dossier_fragment(dossier: Dossier) -> Markup:
    """The dossier's content (no page around it), for the referral's page in the app."""
    template = _environment().get_template("dossier_body.html")
    return Markup(template.render(  # the template escapes every value
        d=dossier, labels={name: spec.label for name, spec in CATALOGUE.items()},
        show=_show, own_script=OWN_SCRIPT_FIELDS))


def render_dossier_pdf(dossier: Dossier) -> bytes:
    """The dossier as a PDF (A4), with the own-script font embedded."""
    from weasyprint import HTML  # noqa: PLC0415 (only PDF rendering needs Pango: load it late)

    font = script_font_file()
    font_css = (f'@font-face {{ font-family: "{SCRIPT_FAMILY}"; '
                f'src: url("{font.resolve().as_uri()}"); }}') if font else ""
    html = _render_html(dossier, font_css=font_css)
    pdf: bytes = HTML(string=html, base_url=str(Path.cwd())).write_pdf()
    return pdf
