#!/bin/sh
# Type-check lacgraph as it is installed: lacgraph/, with loaders/, queries/ and viz/ as
# lacgraph.loaders, lacgraph.queries and lacgraph.viz (pyproject.toml's package-dir).
#
# mypy cannot follow setuptools' editable-install import hook, so it reads a tree of
# symbolic links that has the installed layout (build/typecheck/lacgraph/...), made afresh
# on every run so new modules are always checked. Settings: [tool.mypy] in pyproject.toml.
# Messages name files as lacgraph/...: lacgraph/loaders/x.py is loaders/x.py.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tree=$root/build/typecheck
rm -rf "$tree/lacgraph"
mkdir -p "$tree/lacgraph"
for entry in "$root"/lacgraph/*; do
    case "$entry" in *__pycache__) continue ;; esac
    ln -s "$entry" "$tree/lacgraph/"
done
for sub in loaders queries viz; do
    ln -s "$root/$sub" "$tree/lacgraph/$sub"
done
cd "$tree"
exec "${MYPY:-$root/.venv/bin/mypy}" --config-file "$root/pyproject.toml" "$@" lacgraph
