"""Password hashing: Argon2id (RFC 9106), with parameters chosen for this deployment.

Django's Argon2PasswordHasher already uses the Argon2id variant; its defaults (100 MiB, 2 passes, 8 lanes)
are tuned for large servers. An office server answers bursts of sign-ins on a few cores, where extra lanes
do not help (every core is already busy with another sign-in) and memory bandwidth is the limit. The
default here is 32 MiB, 2 passes, 1 lane — above OWASP's minimum (19 MiB, 2 passes, 1 lane) — and an office
with stronger hardware raises it through the environment (CAPIL_ARGON2_MEMORY_KIB, CAPIL_ARGON2_TIME_COST,
CAPIL_ARGON2_PARALLELISM; settings refuse values below the OWASP minimum). bench/bench_accounts.py measures
what a sign-in costs beside a bare verify.

Hashes made with other parameters keep verifying (the algorithm name stays "argon2") and are re-hashed
with the current parameters at the next successful sign-in (Django's must_update).
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    @property
    def time_cost(self) -> int:
        return settings.CAPIL_ARGON2["time_cost"]

    @property
    def memory_cost(self) -> int:
        return settings.CAPIL_ARGON2["memory_cost"]

    @property
    def parallelism(self) -> int:
        return settings.CAPIL_ARGON2["parallelism"]
