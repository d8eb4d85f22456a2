import os
import subprocess
import sys

from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings

from capil.settings import base


def test_passwords_are_stored_with_argon2id_and_our_parameters():
    assert base.PASSWORD_HASHERS == ["capil.accounts.hashers.Argon2idPasswordHasher"]
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password("Pohon-Mangga-di-Klandasan")
        assert encoded.startswith("argon2$argon2id$v=19$m=32768,t=2,p=1$")
        assert check_password("Pohon-Mangga-di-Klandasan", encoded)
        assert not check_password("pohon-mangga-di-klandasan", encoded)
        # A hash made with Django's default Argon2 parameters is upgraded at the next sign-in.
        old = "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHRzb21lc2FsdA$" + "A" * 43
        assert identify_hasher(old).must_update(old)


def test_validators_include_the_common_password_list():
    names = [v["NAME"].rsplit(".", 1)[1] for v in base.AUTH_PASSWORD_VALIDATORS]
    assert {"CommonPasswordValidator", "MinimumLengthValidator", "UserAttributeSimilarityValidator",
            "NumericPasswordValidator"} <= set(names)


def test_production_cookies_are_secure_http_only_same_site_and_hsts_is_sent():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "capil.settings.production", "CAPIL_SECRET_KEY": "x" * 60,
           "CAPIL_HSTS_SECONDS": ""}
    env.pop("CAPIL_SSL_REDIRECT", None)
    code = (
        "import django; from django.conf import settings as s; django.setup();"
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT, s.PASSWORD_HASHERS[0],"
        " 'django.middleware.csrf.CsrfViewMiddleware' in s.MIDDLEWARE)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "Lax", "True", "True", "True",
                                  "capil.accounts.hashers.Argon2idPasswordHasher", "True"]
