"""Write (or with --check, compare) votecrypto/vectors/vectors.json. See the package docstring."""

from __future__ import annotations

import sys

from votecrypto.vectors import PATH
from votecrypto.vectors.generate import render


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not PATH.exists() or PATH.read_text(encoding="utf-8") != text:
            print(f"{PATH} differs from what the code produces; run python -m votecrypto.vectors", file=sys.stderr)
            return 1
        print(f"{PATH} is up to date")
        return 0
    PATH.write_text(text, encoding="utf-8")
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
