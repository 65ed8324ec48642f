#!/usr/bin/env bash
# How the stored asv result fixtures were made (rerun only to refresh them; tests never run this):
#   pass/  the tiny suite as is: spawn/reuse per cell is about 10-20x, within its test budget (40)
#   fail/  TINY_SPAWN_COST=8: spawn does 8x the work, so spawn/reuse breaks the budget
# Usage: tests/data/asv_results/make.sh  (from the repository root, with .venv built)
set -euo pipefail
root=$(pwd)
for kind in pass fail; do
    work=$(mktemp -d)
    cat > "$work/asv.conf.json" <<CONF
{"version": 1, "project": "rngbench-tiny", "repo": "$root", "branches": ["HEAD"],
 "benchmark_dir": "$root/tests/data/asv_suite/benchmarks", "env_dir": "$work/env",
 "results_dir": "$work/results", "html_dir": "$work/html", "environment_type": "existing",
 "build_command": [], "install_command": ["in-dir={env_dir} python -c pass"],
 "uninstall_command": ["in-dir={env_dir} python -c pass"]}
CONF
    (cd "$work" && "$root/.venv/bin/asv" machine --config asv.conf.json --yes --machine fixturebox >/dev/null)
    cost=1; [ "$kind" = fail ] && cost=8
    (cd "$work" && TINY_SPAWN_COST=$cost "$root/.venv/bin/asv" run --config asv.conf.json -E "existing:$root/.venv/bin/python" \
        --set-commit-hash "$(git -C "$root" rev-parse HEAD)" --record-samples --machine fixturebox)
    rm -rf "tests/data/asv_results/$kind"
    cp -r "$work/results" "tests/data/asv_results/$kind"
    rm -rf "$work"
done
