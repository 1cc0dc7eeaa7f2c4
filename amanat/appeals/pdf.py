"""PDF documents of the public reception (WeasyPrint). OWNED BY HELPER C2.

Interface:
    coupon_pdf(appeal, *, pin: str | None = None) -> bytes      # the талон given on registration
    answer_letter_pdf(answer) -> bytes                          # the answer letter, in the answer's language
"""

from __future__ import annotations

from typing import Any


def coupon_pdf(appeal: Any, *, pin: str | None = None) -> bytes:
    raise NotImplementedError


def answer_letter_pdf(answer: Any) -> bytes:
    raise NotImplementedError
