"""The platform a result was computed on, and how to make it not matter.

``fingerprint`` records every layer that picks floating-point code paths at run time (standard library and
numpy only: the standalone stream recorder runs it on Python 3.7); ``profiles`` holds, as data, the settings
that pin each layer to code every x86-64 CPU runs, the masks that simulate older CPUs, and the exemptions.
"""
