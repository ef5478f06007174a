"""Where pages are: the folder a page is served from and the links between two of them."""

from __future__ import annotations

import functools
import posixpath


@functools.lru_cache(maxsize=65536)  # a site asks for the same few thousand links again and again
def relative_path(target: str, start: str) -> str:
    """The link from folder ``start`` to ``target``, both site paths ("" is the root)."""
    return posixpath.relpath("/" + target.strip("/"), "/" + start.strip("/"))


def url_dir(path: str) -> str:
    """The folder a page is served from, relative to its language root ("" for the home page)."""
    if path == "index":
        return ""
    if path.endswith("/index"):
        return path[: -len("/index")]
    return path
