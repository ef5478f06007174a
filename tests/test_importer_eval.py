"""The importer's answer keys as a regression test: ``benchmarks/importer_eval.py``'s evaluation,
run as it runs, must keep each field's precision and recall at or above a floor set a little
below what was measured (2026-12-03). A change that makes the importer read worse fails here;
one that makes it read better should raise the floors."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from .conftest import ROOT

#: (precision, recall) floors per field. The seed page and the keys were measured at: seed 1.00 /
#: 1.00 in every field; keys title 1.00/1.00 (18/18), issuers 1.00/0.93 (42/45), issuer count
#: 1.00/0.80 (4/5), period 1.00/1.00 (7/7), tasks 0.90/0.75 (18/24), figures 0.82/0.84 (37/44).
#: With so few items one more miss is a step of several points, so the floors sit just below.
SEED_FLOORS = {name: (1.0, 1.0) for name in ("title", "issuers", "issuer count", "period", "tasks", "figures")}
KEY_FLOORS = {
    "title": (1.0, 1.0),
    "issuers": (0.97, 0.91),
    "issuer count": (1.0, 0.8),
    "period": (1.0, 1.0),
    "tasks": (0.88, 0.73),
    "figures": (0.80, 0.82),
}
#: The corpus (published plans against the importer's drafts of their sources, as drafted now),
#: measured at: title 0.88/0.98, issuers 0.82/0.68, issuer count 0.78/1.00, period 0.88/0.77,
#: tasks 0.65/0.43, figures 0.81/0.85, region 0.94/0.74, statements 0.46/0.33, themes 0.74/0.46,
#: groups 0.67/0.67.
CORPUS_FLOORS = {
    "title": (0.86, 0.96),
    "issuers": (0.80, 0.66),
    "issuer count": (0.75, 1.0),
    "period": (0.86, 0.75),
    "tasks": (0.63, 0.41),
    "figures": (0.79, 0.83),
    "region": (0.92, 0.72),
    "statements": (0.44, 0.31),
    "themes": (0.72, 0.44),
    "groups": (0.65, 0.65),
}


def _evaluation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("importer_eval", ROOT / "benchmarks" / "importer_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _figures(score) -> tuple[float, float]:
    precision = score.true_positive / score.found if score.found else 1.0
    recall = score.true_positive / score.expected if score.expected else 1.0
    return precision, recall


def _below(scores: dict, floors: dict[str, tuple[float, float]]) -> list[str]:
    assert set(scores) == set(floors), "a field without a floor, or a floor for no field"
    out = []
    for name, (least_precision, least_recall) in floors.items():
        assert scores[name].expected > 0, f"{name}: nothing to find; the answers are gone"
        precision, recall = _figures(scores[name])
        if precision < least_precision or recall < least_recall:
            out.append(
                f"{name}: precision {precision:.2f} (at least {least_precision}), "
                f"recall {recall:.2f} (at least {least_recall}) [{scores[name].cells()}]"
            )
    return out


def test_the_importer_reads_the_seed_page_and_the_answer_keys_as_well_as_before() -> None:
    evaluation = _evaluation()
    seed, keys, count = evaluation.evaluate(False)
    assert count >= 10
    below = [f"seed page: {line}" for line in _below(seed, SEED_FLOORS)] + [
        f"answer keys: {line}" for line in _below(keys, KEY_FLOORS)
    ]
    assert not below, "\n".join(below)


@pytest.mark.slow
def test_the_importer_drafts_the_published_corpus_as_well_as_before() -> None:
    evaluation = _evaluation()
    _, now, plans, _ = evaluation.evaluate_corpus(False)
    assert plans >= 40
    below = _below(now, CORPUS_FLOORS)
    assert not below, "\n".join(below)
