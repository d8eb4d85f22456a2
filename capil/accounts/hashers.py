"""Password hashing: Argon2id (RFC 9106) with parameters chosen for this deployment.

Django's Argon2PasswordHasher already uses the Argon2id variant; its defaults (100 MiB, 8 lanes) are tuned
for large servers. An office server answers many sign-ins at once on a few cores, so we use RFC 9106's
second recommended option — 64 MiB, 3 passes — with 2 lanes (the lanes only help when there are cores
free to run them). OWASP's floor is 19 MiB and 2 passes. A sign-in costs roughly 60–120 ms of one core;
bench/bench_accounts.py measures it. Hashes made with other parameters are upgraded at the next sign-in
(Django's must_update), and the algorithm name stays "argon2" so existing hashes keep verifying.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 3
    memory_cost = 65536  # KiB
    parallelism = 2
