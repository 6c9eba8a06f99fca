"""The coding engine: unit math and the decision-tree walk.

Standard library only and no I/O at import, so the same files run in CPython
(build, tests, command line) and in the browser under Pyodide. Data (codes,
rules, the tree) always arrives as arguments; the engine never reads YAML.
"""
