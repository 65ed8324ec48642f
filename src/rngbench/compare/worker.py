"""Take timing samples of one asv benchmark at a time, on request: one side of a fine-grained interleaved comparison.

Standalone: the standard library and ``asv_runner`` only, because it runs
with a side's own interpreter (an environment rngbench built, which has
asv_runner pinned but not rngbench) -- as ``python worker.py
BENCHMARK_DIR``.  Benchmarks are loaded, set up and timed by asv_runner
itself (``get_benchmark_from_name``, ``do_setup``, ``do_run``), so a sample
means what it means in an asv run: ``setup`` re-run before each sample,
``number`` calls per sample, the benchmark's own ``warmup_time`` and timer.

Why not let asv take the samples: on a shared runner the machine's speed
drifts by 30-50 % over seconds, and asv measures one side's sample of a
benchmark minutes before or after the other side's.  Here the coordinator
(:mod:`rngbench.compare.interleave`) alternates *turns* of a few samples between the
two sides' workers, benchmark by benchmark, so both sides sample the same
stretches of time.

Protocol: one JSON object per line in, one per line out.

- ``{"op": "load", "name": NAME, "index": I or null, "repeat": K}``: set the
  benchmark up -> ``{"ok": true}``, ``{"skipped": REASON}`` or ``{"error": MESSAGE}``;
- ``{"op": "run"}``: one turn of K samples -> ``{"samples": [...], "number": N}``;
- ``{"op": "unload"}``: teardown -> ``{"ok": true}``.
"""

import json
import os
import sys
import traceback


class _Attrs:
    """Attribute overrides for the loaded benchmark (asv_runner reads them first)."""


def _load(root, name, index, repeat, caches):
    from asv_runner.discovery import get_benchmark_from_name

    bench_id = name if index is None else "{}-{}".format(name, index)
    bench = get_benchmark_from_name(root, bench_id)
    attrs = type("Overrides", (_Attrs,), {"repeat": int(repeat)})
    bench._attr_sources.insert(0, attrs)
    if bench.setup_cache_key is not None:
        if bench.setup_cache_key not in caches:
            caches[bench.setup_cache_key] = bench.do_setup_cache()
        bench.set_cache(caches[bench.setup_cache_key])
    else:
        bench.set_cache(None)
    return bench, attrs


def serve(root, lines=sys.stdin, out=sys.stdout):
    caches = {}
    bench = attrs = None
    for line in lines:
        if not line.strip():
            continue
        try:
            cmd = json.loads(line)
            op = cmd["op"]
            if op == "load":
                bench, attrs = _load(root, cmd["name"], cmd.get("index"), cmd.get("repeat", 2), caches)
                skipped = bench.do_setup()
                reply = {"skipped": "setup raised NotImplementedError"} if skipped else {"ok": True}
                if skipped:
                    bench = None
            elif op == "run":
                result = bench.do_run()
                if result is None:
                    reply = {"skipped": "skipped for these parameters"}
                else:
                    if not getattr(attrs, "number", 0):  # keep the first turn's number for every later turn
                        attrs.number = int(result["number"])
                    reply = {"samples": result["samples"], "number": result["number"]}
            elif op == "unload":
                if bench is not None:
                    bench.do_teardown()
                bench = attrs = None
                reply = {"ok": True}
            else:
                reply = {"error": "unknown op {!r}".format(op)}
        except Exception as exc:  # reported to the coordinator, which marks the benchmark failed
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            reply = {"skipped": last} if isinstance(exc, NotImplementedError) else {"error": last}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write("usage: worker.py BENCHMARK_DIR\n")
        return 2
    # The protocol gets its own copy of stdout; whatever a benchmark prints (from Python or C) goes to stderr.
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return serve(argv[0], sys.stdin, protocol)


if __name__ == "__main__":
    sys.exit(main())
