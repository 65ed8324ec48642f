"""Interpreters on this machine, uv environments built from them, and what an environment has installed.

``interpreters`` is standard-library only (``scripts/bootstrap`` runs it with a
bare ``python3``); ``environments`` builds and caches uv environments under a
lock; ``versions`` is the one query for installed package versions.
"""

from rngbench.envs.environments import Environment, build_env, env_key, run_recorder, uv_command
from rngbench.envs.interpreters import EnvError, Interpreter, find_interpreters, find_python, satisfies
from rngbench.envs.versions import REPORTED_PACKAGES, installed_versions

__all__ = [
    "EnvError", "Environment", "Interpreter", "REPORTED_PACKAGES", "build_env", "env_key", "find_interpreters",
    "find_python", "installed_versions", "run_recorder", "satisfies", "uv_command",
]
