"""Sign-in cost: authenticate() through the phone-or-e-mail backend and a full sign-in request, beside a bare
Argon2id verify with the same parameters in the same run. Also the unknown-account path, which must cost
about the same as a known one (no timing oracle)."""

from bench.harness import median, p95, setup_django, timings_ms

PASSWORD = "Pohon-Mangga-di-Klandasan"  # noqa: S105 (a benchmark account)


def run(bench):
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from capil.settings import base

    # Production hashing, not the fast test hasher.
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import get_hasher

    from capil.accounts.backends import _dummy_hash
    from capil.accounts.models import Role, User

    _dummy_hash.cache_clear()
    hasher = get_hasher()
    user = User.objects.create_user("bench@contoh.id", PASSWORD, full_name="Bench", phone="+6281255500042",
                                    role=Role.CITIZEN)
    encoded = user.password
    assert encoded.startswith("argon2$argon2id$v=19$m=32768,t=2,p=1$")

    import argon2

    bare_hasher = argon2.PasswordHasher(time_cost=hasher.time_cost, memory_cost=hasher.memory_cost,
                                        parallelism=hasher.parallelism)
    raw = "$" + encoded.split("$", 1)[1]

    def bare():
        bare_hasher.verify(raw, PASSWORD)

    def auth_email():
        assert authenticate(None, username="bench@contoh.id", password=PASSWORD) is not None

    def auth_phone():
        assert authenticate(None, username="0812 5550 0042", password=PASSWORD) is not None

    def auth_unknown():
        assert authenticate(None, username="tidak-ada@contoh.id", password=PASSWORD) is None

    client = Client()

    def full_request():
        cache.clear()  # the rate limit is not what is measured here
        response = client.post("/akun/masuk/", {"identifier": "bench@contoh.id", "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        client.cookies.clear()

    repeat = 30
    base_samples = timings_ms(bare, repeat=repeat)
    # No absolute target: the cost is a choice (capil/accounts/hashers.py) and depends on the machine; what
    # the figures below check is that a sign-in costs little more than its one hash.
    bench.figure("bare argon2id verify (32 MiB, t=2, p=1), median", median(base_samples), "ms")
    for label, fn in [("authenticate() by e-mail", auth_email), ("authenticate() by phone", auth_phone),
                      ("authenticate() unknown account", auth_unknown)]:
        samples = timings_ms(fn, repeat=repeat)
        bench.figure(f"{label}, median", median(samples), "ms", baseline=median(base_samples),
                     target="ratio <= 1.3")
    samples = timings_ms(full_request, repeat=repeat)
    bench.figure("full sign-in POST /akun/masuk/, median", median(samples), "ms", baseline=median(base_samples),
                 target="ratio <= 1.5")
    bench.figure("full sign-in POST /akun/masuk/, p95", p95(samples), "ms", baseline=p95(base_samples),
                 target="ratio <= 2")
