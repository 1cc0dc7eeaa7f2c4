"""Ready-made ceremonies and credentials for tests, the demo and the benchmarks. Not for real elections:
it holds every trustee's secrets in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from votecrypto.credentials import credential_secret, new_credential, public_credential
from votecrypto.dkg import ceremony_context, deal, election_key, receive, register, verification_key
from votecrypto.group import Point, scalar_from_hex

__all__ = ["Ceremony", "make_credentials", "run_ceremony"]


@dataclass
class Ceremony:
    election: str
    n: int
    t: int
    ctx: bytes
    registrations: list[dict[str, Any]] = field(default_factory=list)  # public {"index", "public", "pok"}
    trustee_keys: dict[int, int] = field(default_factory=dict)  # j -> e_j, the key for receiving shares
    deals: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    secrets: dict[int, int] = field(default_factory=dict)  # j -> x_j, the key share
    public_key: Point | None = None
    verification_keys: dict[int, Point] = field(default_factory=dict)


def run_ceremony(election: str, n: int, t: int) -> Ceremony:
    """A complete, honest t-of-n key generation for `election` with trustees 1..n."""
    ceremony = Ceremony(election=election, n=n, t=t, ctx=ceremony_context(election))
    ctx = ceremony.ctx
    for j in range(1, n + 1):
        private, public = register(ctx, j)
        ceremony.registrations.append(public)
        ceremony.trustee_keys[j] = scalar_from_hex(private["secret"])
    recipients = {reg["index"]: reg["public"] for reg in ceremony.registrations}
    ceremony.deals = [deal(ctx, j, t, recipients) for j in range(1, n + 1)]
    for j in range(1, n + 1):
        x_j, check = receive(ctx, j, ceremony.trustee_keys[j], ceremony.deals, t)
        if x_j is None:
            raise RuntimeError(f"honest ceremony failed: {check}")
        ceremony.secrets[j] = x_j
        ceremony.checks.append(check)
    ceremony.public_key = election_key(ceremony.deals)
    ceremony.verification_keys = {j: verification_key(ceremony.deals, j, t) for j in range(1, n + 1)}
    return ceremony


def make_credentials(election: str, count: int) -> list[tuple[str, str]]:
    """`count` fresh (credential, public credential) pairs for `election`."""
    pairs = []
    while len(pairs) < count:
        credential = new_credential()
        try:
            pairs.append((credential, public_credential(credential_secret(election, credential))))
        except ValueError:  # a zero key: draw again
            continue
    return pairs
