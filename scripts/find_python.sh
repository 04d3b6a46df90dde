#!/bin/sh
# Print the path of a Python interpreter >= 3.12, or explain what is missing and fail.
# Order: $PYTHON, python3.13/python3.12/python3 on PATH, then pyenv-installed versions.
want_major=3
want_minor=12

ok() {
  "$1" -c "import sys; sys.exit(0 if sys.version_info >= ($want_major, $want_minor) else 1)" \
    >/dev/null 2>&1
}

candidates=""
[ -n "${PYTHON:-}" ] && candidates="$PYTHON"
for name in python3.14 python3.13 python3.12 python3; do
  path=$(command -v "$name" 2>/dev/null) && candidates="$candidates $path"
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for path in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -r); do
    candidates="$candidates $path"
  done
fi

for candidate in $candidates; do
  if ok "$candidate"; then
    # Resolve pyenv shims to the real interpreter so the venv does not depend on PYENV_VERSION.
    "$candidate" -c "import sys; print(sys.executable)"
    exit 0
  fi
done

echo "Xinzhi Atlas needs Python $want_major.$want_minor or newer, and none was found." >&2
echo "Install Python 3.12+ (for example 'pyenv install 3.12'), or point PYTHON at one:" >&2
echo "  make run PYTHON=/path/to/python3.12" >&2
exit 1
