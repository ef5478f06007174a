"""MkDocs hook: keep the root 404.html in the site's default language.

Why: mkdocs-static-i18n builds the default language (zh) first, then every other
language with the same site_dir. MkDocs writes theme templates such as 404.html to
the root of site_dir on every one of those builds, so the root 404.html ends up in
the language built LAST (en), although the site's default language is zh.

What this hook does:
- in `on_template_context` for 404.html, it resets the language selector and the
  <link rel="alternate"> list (config.extra.alternate) to the language home pages.
  Otherwise the 404 page inherits the alternates of the last page rendered (i18n
  rewrites them per page), e.g. a 404 whose "中文" link points at some task page;
- in `on_post_template` (called with the rendered 404.html just before MkDocs
  writes it to <site_dir>/404.html):
  - during the default-language build it remembers the rendered page;
  - during any other language's build it writes that language's page to
    <site_dir>/<locale>/404.html (e.g. site/en/404.html, for hosts that serve a
    per-folder 404) and hands MkDocs the remembered default-language page, so
    the root 404.html stays Chinese.

Nothing else is touched. Without the i18n plugin the hook does nothing.
The file must stay self-contained: MkDocs restores sys.path after loading a hook,
so it cannot import sibling modules.
"""

from __future__ import annotations

import copy
import logging
import os

log = logging.getLogger("mkdocs.hooks.i18n_404")

_TEMPLATE = "404.html"
# Rendered default-language 404 page, per site_dir (a build with another site_dir,
# e.g. in tests, must not receive a stale page).
_default_page: dict[str, str] = {}


def _languages(config) -> tuple[str | None, str | None]:
    """Return (current, default) locale from the i18n plugin, or (None, None)."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return None, None
    return getattr(plugin, "current_language", None), getattr(plugin, "default_language", None)


def on_pre_build(config) -> None:
    current, default = _languages(config)
    if current is not None and current == default:
        _default_page.pop(os.path.abspath(config.site_dir), None)


def on_template_context(context, template_name: str, config):
    if template_name != _TEMPLATE:
        return context
    plugin = config.plugins.get("i18n")
    homes = getattr(plugin, "extra_alternate", None) if plugin is not None else None
    if homes:
        # i18n assigns the per-page list as an ATTRIBUTE of config.extra (a
        # LegacyConfig), which Jinja's `config.extra.alternate` reads before the
        # item; set both.
        config.extra["alternate"] = copy.deepcopy(homes)
        config.extra.alternate = copy.deepcopy(homes)
    return context


def on_post_template(output_content: str, template_name: str, config) -> str:
    if template_name != _TEMPLATE:
        return output_content
    current, default = _languages(config)
    if current is None or default is None:
        return output_content
    site_dir = os.path.abspath(config.site_dir)
    if current == default:
        _default_page[site_dir] = output_content
        return output_content
    kept = _default_page.get(site_dir)
    if kept is None:
        # Default language not built in this run (e.g. build_only_locale): leave as is.
        return output_content
    path = os.path.join(site_dir, current, _TEMPLATE)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(output_content)
    log.debug("i18n_404: wrote %s; root %s kept in '%s'", path, _TEMPLATE, default)
    return kept
