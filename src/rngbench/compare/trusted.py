"""The pull-request comment, rendered by trusted code from untrusted data.

The benchmark job of a pull request runs the pull request's own code, so
everything it uploads -- ``compare.json`` included -- is what the pull request
wants it to be.  The job that posts the comment (``bench-comment.yml``) runs
the *default branch's* rngbench instead, and this module is all it does with
the artifact: read ``compare.json`` as data, check it against the schema
shipped beside this file (``schema.json``: types, sizes, versions that
look like versions), decide every verdict again from the numbers with
:mod:`rngbench.significance`, and render the comment with :func:`rngbench.comment.render`
-- the same renderer ``rngbench compare`` uses, so the comment looks the same.
A file that is missing, too big, not JSON or not valid becomes a fixed comment
that contains nothing from the file.

Free text in the data (side labels, parameter values, machine strings) can
only appear inside code spans, which ``comment.code`` escapes for markdown;
before that, :func:`neutral` spells out the invisible characters a code span
would still show as-is: bidi overrides such as U+202E (which reverse what the
reader sees), zero-width and other format characters, lone surrogates,
private-use and unassigned code points, and every one of Unicode's
default-ignorable code points (Hangul fillers, variation selectors, the
combining grapheme joiner; :data:`DEFAULT_IGNORABLE`) plus the blank Braille
pattern.

The comment must fit GitHub's limit, 65,536 UTF-16 code units: a long
comparison is cut at a line end, every ``<details>`` left open is closed, and
the provenance footer comes last, outside any collapsed section.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path

from rngbench.compare import comment

SCHEMA_FILE = "schema.json"
MAX_BYTES = 16 * 2**20  # the schema's largest comparison fits: 5,000 rows with 40 samples a side are ~10 MB
GITHUB_LIMIT = 65_536  # GitHub refuses a comment body longer than this, in UTF-16 code units (JavaScript's length)
MAX_COMMENT = 65_000  # what the bot writes at most (UTF-16 units): safely under the limit
TABLES_ROOM = MAX_COMMENT - 4_000  # the tables stop here: the versions, the method and the footer follow them
MAX_ROWS = 250  # rows per table in the bot's comment: more is not read, and each row's interval is a bootstrap
UNITS = {"time": "seconds", "timeraw": "seconds", "mem": "bytes", "peakmem": "bytes", "track": "unit"}
"""asv's unit for each kind of benchmark (the prefix of its name); compare.json does not repeat it."""

# Unicode categories a code span would show unescaped although they are invisible or change what is seen:
# Cf format (bidi overrides and isolates, zero-width joiners, soft hyphen, tags), Cs lone surrogates (JSON can
# carry them, UTF-8 cannot), Co private use, Cn unassigned.  Cc, Zl and Zp are spelled out by comment.code.
HIDDEN_CATEGORIES = frozenset({"Cf", "Cs", "Co", "Cn"})

DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)
"""Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt, stable since Unicode 6.0): shown as
nothing at all by conforming renderers, whatever their category (U+3164 HANGUL FILLER is a letter, Lo; U+034F
COMBINING GRAPHEME JOINER a mark, Mn), so the category test alone misses them.  Written as data, not taken from
the running Python's ``unicodedata``."""
INVISIBLE = frozenset({0x2800})
"""Visible to Unicode but blank on screen, and named by the hostile-input tests: U+2800 BRAILLE PATTERN BLANK."""

INVALID = "The benchmark run produced invalid results, so this comment shows none of them; see the workflow run."
MISSING = "The benchmark run produced no results (it stopped before writing them); see the workflow run."
FOOTER = ("Rendered by the default branch's rngbench from the benchmark data of {run}; "
          "the numbers were measured by the pull request's own code.")
CUT = "(cut here: the comment reached GitHub's size limit; the whole comparison is in the workflow run's artifact)"
RUN_URL = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/actions/runs/[0-9]+")


class InvalidResults(ValueError):
    """Why compare.json cannot be shown: one line, printable ASCII, nothing longer than a log line."""


def hidden(char: str) -> bool:
    """``char`` is invisible (or changes what is seen) in a code span."""
    point = ord(char)
    return (unicodedata.category(char) in HIDDEN_CATEGORIES or point in INVISIBLE
            or any(low <= point <= high for low, high in DEFAULT_IGNORABLE))


def neutral(text: str) -> str:
    """``text`` with every hidden character spelled out (``\\u202e``); visible text unchanged."""
    return "".join(_spelled(c) if hidden(c) else c for c in text)


def _spelled(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}"


def _log_safe(text: str) -> str:
    """A reason fit for a CI log: one line of printable ASCII (a line could otherwise be a workflow command)."""
    return ascii(text)[1:-1][:300]


@cache
def schema() -> dict:
    return json.loads(resources.files("rngbench.compare").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


NUMBER_KEYWORDS = {"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}


def _numbers_fit(items: list, rule: dict) -> bool:
    """Every item is a JSON number (not a bool) within ``rule``'s bounds; C-speed builtins, one pass each."""
    if not items:
        return True
    if not set(map(type, items)) <= {int, float}:
        return False
    low, high = min(items), max(items)
    return (rule.get("minimum", -math.inf) <= low and high <= rule.get("maximum", math.inf)
            and rule.get("exclusiveMinimum", -math.inf) < low and high < rule.get("exclusiveMaximum", math.inf))


@cache
def validator():
    """The schema's validator, with one shortcut: an array of numbers (a side's samples: up to 2,000 each, 5,000
    rows) whose ``items`` rule only bounds a number is checked in one pass; if any item fails, jsonschema's own
    ``items`` runs, so the error reported is exactly jsonschema's.  (Without it, 5,000 rows took a minute.)"""
    import jsonschema

    base = jsonschema.Draft202012Validator
    items = base.VALIDATORS["items"]

    def numbers_or_items(validator, rule, instance, schema):
        if (isinstance(rule, dict) and rule.get("type") == "number" and set(rule) <= NUMBER_KEYWORDS
                and isinstance(instance, list) and _numbers_fit(instance, rule)):
            return
        yield from items(validator, rule, instance, schema)

    return jsonschema.validators.extend(base, {"items": numbers_or_items})(_inlined(schema()))


def _inlined(doc: dict) -> dict:
    """``doc`` with every local ``{"$ref": "#/$defs/name"}`` replaced by its definition: the same rules, but
    jsonschema no longer resolves a reference (through ``referencing``) six times per row -- a third of the
    validation time of 5,000 rows.  The schema has no recursive definitions; one would be a bug here."""
    defs = doc.get("$defs", {})

    def expand(node, seen: tuple[str, ...] = ()):
        if isinstance(node, list):
            return [expand(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            name = ref.removeprefix("#/$defs/")
            if name in seen:
                raise ValueError(f"the schema's definition {name!r} refers to itself")
            return expand(defs[name], (*seen, name))
        return {key: expand(value, seen) for key, value in node.items() if key != "$defs"}

    return expand(doc)


def _read(path: Path) -> bytes:
    """The file's bytes: a regular file (never followed through a symlink) of at most MAX_BYTES.  Opened without
    blocking, so a FIFO is refused by ``fstat`` instead of waiting for a writer forever."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise  # its own fixed comment (render_file)
    except OSError as exc:  # a symlink (ELOOP), a directory, no permission
        raise InvalidResults(f"cannot open {path.name}: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InvalidResults(f"{path.name} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise InvalidResults(f"{path.name} is larger than {MAX_BYTES} bytes")
    return data


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def parse(data: bytes) -> dict:
    """Strict JSON (no NaN/Infinity), validated against the schema; raises :class:`InvalidResults`."""
    import jsonschema

    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # ValueError: JSON errors, huge integers
        raise InvalidResults(_log_safe(f"not JSON: {exc}")) from None
    error = jsonschema.exceptions.best_match(validator().iter_errors(doc))
    if error is not None:
        raise InvalidResults(_log_safe(f"{error.json_path}: fails the schema's {error.validator!r} rule"))
    return doc


def _measurement(data: dict | None, benchmark: str, params: tuple, unit: str):
    from rngbench.asvio.results import Measurement
    from rngbench.compare.significance import pooled

    if data is None:
        return None
    value = math.nan if data["value"] == "n/a" else data["value"]
    samples = tuple(data["samples"]) if data["samples"] else None
    stats = None
    if samples and value is not None and not math.isnan(value):
        _, stats = pooled(list(samples))  # the spread (±) the comment shows, as rngbench compare computed it
    return Measurement(benchmark, params, value, samples, stats, unit)


def report(doc: dict) -> comment.Report:
    """The :class:`rngbench.comment.Report` a schema-valid compare.json describes, free text neutralised.

    Each row's verdict and ratio are decided again here, by :func:`rngbench.significance.classify` on the
    values and samples (what ``rngbench compare`` does), so the file's own ``change`` and ``ratio`` never reach
    the comment: a pull request cannot label a slowdown "unchanged" without also changing the numbers shown.
    """
    from rngbench.compare.significance import classify_all

    def side(d: dict) -> comment.Side:
        return comment.Side(neutral(d["label"]), dict(d["versions"]), d["commit"])

    factor = float(doc["factor"])
    pairs = []
    for r in doc["rows"]:
        benchmark = r["benchmark"]
        unit = UNITS[benchmark.rsplit(".", 1)[1].split("_", 1)[0]]
        params = tuple((name, neutral(value)) for name, value in r["params"].items())
        pairs.append((_measurement(r["before"], benchmark, params, unit),
                      _measurement(r["after"], benchmark, params, unit)))
    rows = classify_all(pairs, factor, paired=doc["rounds"] > 0)  # samples in turn order, as compare judged them
    machine = {key: neutral(value) for key, value in doc["machine"].items()}
    return comment.Report(rows, side(doc["base"]), side(doc["head"]), factor, machine, doc["rounds"])


def _fixed(message: str) -> str:
    return f"{comment.MARKER}\n## Benchmarks\n\n**{message}**\n"


def _finish(body: str, run_url: str | None) -> str:
    """``body`` with the provenance footer, cut at a line end if the whole would pass :data:`MAX_COMMENT` UTF-16
    units; a cut closes every ``<details>`` it leaves open, so the footer is never collapsed."""
    if run_url is not None and not RUN_URL.fullmatch(run_url):
        raise ValueError(f"not a GitHub Actions run URL: {run_url!r}")
    footer = FOOTER.format(run=f"[workflow run {run_url.rsplit('/', 1)[1]}]({run_url})" if run_url
                           else "the pull request's workflow run")
    tail = f"\n\n---\n{footer}\n"
    body = body.rstrip("\n")
    if comment.utf16_len(body + tail) > MAX_COMMENT:
        body = _cut(body, MAX_COMMENT - comment.utf16_len(tail))
    return body + tail


CLOSE = "\n\n</details>"


def _cut(body: str, room: int) -> str:
    """The longest run of ``body``'s whole lines that fits in ``room`` UTF-16 units together with a closing tag for
    each ``<details>`` still open there and the :data:`CUT` note (after them, so it is not collapsed)."""
    kept, used, depth = [], 0, 0
    note = comment.utf16_len("\n\n" + CUT)
    for line in body.split("\n"):
        opens = depth + (line == "<details>") - (line == "</details>")
        cost = comment.utf16_len(line) + 1
        if used + cost + opens * len(CLOSE) + note > room:
            break
        kept.append(line)
        used, depth = used + cost, opens
    return "\n".join(kept).rstrip("\n") + CLOSE * depth + "\n\n" + CUT


def render_data(data: bytes, run_url: str | None = None) -> tuple[str, str | None]:
    """The comment for the bytes of a compare.json, and why they were refused (None when they were shown)."""
    try:
        body, problem = comment.render(report(parse(data)), TABLES_ROOM, MAX_ROWS), None
    except InvalidResults as exc:
        body, problem = _fixed(INVALID), str(exc)
    return _finish(body, run_url), problem


def render_file(path: Path, run_url: str | None = None) -> tuple[str, str | None]:
    """:func:`render_data` for a file; a missing file gets its own fixed comment, any unreadable one INVALID's."""
    try:
        data = _read(path)
    except FileNotFoundError:
        return _finish(_fixed(MISSING), run_url), f"{path.name} does not exist"
    except InvalidResults as exc:
        return _finish(_fixed(INVALID), run_url), str(exc)
    return render_data(data, run_url)
