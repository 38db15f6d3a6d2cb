"""Precision and recall of the skill matcher on the project's labelled evaluation set."""
from __future__ import annotations

import json
from pathlib import Path

from skillpulse.data.extract import Matcher
from skillpulse.data.taxonomy_io import project_taxonomy, triples

EVAL = Path(__file__).parent / "eval" / "postings_eval.jsonl"


def load_eval() -> list[dict]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(matcher: Matcher, items: list[dict]) -> tuple[float, float]:
    tp = fp = fn = 0
    for item in items:
        got, want = set(matcher.find_names(item["text"])), set(item["skills"])
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
    return tp / (tp + fp), tp / (tp + fn)


def test_eval_set_is_large_and_labels_are_taxonomy_skills() -> None:
    items = load_eval()
    names = set(project_taxonomy()["name"].to_list())
    assert len(items) >= 200
    assert len({i["id"] for i in items}) == len(items)
    unknown = {s for i in items for s in i["skills"] if s not in names}
    assert not unknown
    assert sum(1 for i in items if not i["skills"]) >= 15   # pure trap snippets


def test_precision_and_recall_meet_the_goal() -> None:
    precision, recall = score(Matcher(triples(project_taxonomy())), load_eval())
    assert precision >= 0.95, f"precision {precision:.3f}"
    assert recall >= 0.90, f"recall {recall:.3f}"
