"""The links families open, one per community, and their QR codes."""

from pathlib import Path

import segno


def survey_links(survey, base_url):
    """``[(label, url)]``: the general link, then one per community."""
    base = f"{base_url.rstrip('/')}/s/{survey.slug}"
    links = [("(all)", base)]
    links += [(c.slug, f"{base}/{c.slug}") for c in survey.active_communities]
    return links


def write_qr_codes(links, folder):
    """Write one SVG QR code per link; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for label, url in links:
        name = "all" if label == "(all)" else label
        path = folder / f"{name}.svg"
        # Error correction "M" survives a printed code that gets a little worn.
        segno.make(url, error="m").save(path, scale=8, border=4)
        written.append(path)
    return written


def qr_svg(url):
    """An inline SVG QR code for a page (no file, no script)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=4)
