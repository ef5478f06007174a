"""The content format: every field documented, and the reference page made from the specs."""

from __future__ import annotations

from actionplans.content.spec import RECORDS, reference

from .conftest import ROOT


def test_every_field_of_every_record_is_documented() -> None:
    for where, (what, spec) in RECORDS.items():
        assert what.strip(), where
        for name, field in spec.items():
            assert field.doc.strip().endswith("."), f"{where}: {name} has no documentation"
            for sub, inner in (field.record or {}).items():
                assert inner.doc.strip(), f"{where}: {name}.{sub} has no documentation"


def test_the_content_format_reference_is_current() -> None:
    """docs/content-format.md is generated: python -m actionplans.content.spec > docs/content-format.md"""
    assert (ROOT / "docs" / "content-format.md").read_text(encoding="utf-8") == reference()
