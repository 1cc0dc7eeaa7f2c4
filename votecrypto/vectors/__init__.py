"""Test vectors shared by the Python code and the browser booth: `vectors.json` in this folder.

Regenerate after a deliberate change of format with `python -m votecrypto.vectors` (from the
repository root); `python -m votecrypto.vectors --check` exits 1 if the file differs from what the
code produces now. tests/votecrypto/test_crypto_vectors.py runs the check.
"""

from pathlib import Path

PATH = Path(__file__).with_name("vectors.json")
