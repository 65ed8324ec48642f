"""The report from a constructed store: files, the changes.json schema, and the plain answers."""

import json

import numpy as np

from rngbench.pipelines import digests, matrix, report
from rngbench.pipelines.store import PipelineStore, read_output

from .conftest import COUNTS, UMAP, base_arrays


def versions(label):
    return {"python": "3.12.1", **matrix.BY_LABEL[label].versions}


def test_report_answers_and_schema(tmp_path, recording):
    store = PipelineStore(tmp_path / "store")
    for label, parts in (("sc1.12-np2.5", base_arrays()), ("sc1.13-np2.5", None)):
        if parts is None:
            parts = base_arrays()
            parts[COUNTS] = digests.counts(np.zeros((200, 30)))
        doc, arrays = read_output(recording(versions=versions(label), parts=parts))
        store.add(doc, arrays)
    paths = report.write(store, tmp_path / "out", None)
    assert [p.name for p in paths] == ["changes.json", "heatmap.png", "README.md"]
    doc = json.loads(paths[0].read_text())
    assert doc["schema"] == 1 and doc["baseline"] == "sc1.12-np2.5" and doc["question_env"] == "sc1.13-np2.5"
    assert set(doc) >= {"environments", "tolerances", "noise", "answers", "scanpy_1_12_to_1_13", "steps", "cases"}
    answers = {a["workload"]: a["answer"] for a in doc["answers"]}
    assert answers["downsample.per_cell"].startswith("no — changed (100.0% of cells")
    assert answers["umap_init.full_short"].startswith("yes — identical")
    [step] = doc["steps"]
    assert step["step"] == "scanpy 1.12.4 → 1.13.0a2" and [c["case"] for c in step["changes"]] == [COUNTS]
    case = next(c for c in doc["cases"] if c["id"] == UMAP)
    assert case["versus_baseline"]["sc1.13-np2.5"]["kind"] == "identical"
    assert "does `random_state=0`" in paths[2].read_text().lower() or "random_state=0" in paths[2].read_text()
    assert paths[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
