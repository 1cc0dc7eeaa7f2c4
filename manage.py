#!/usr/bin/env python
"""Django's command-line utility; `amanat` is the same thing installed as a command."""

import sys

from amanat.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
