from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from accounts.hashers import PortalArgon2PasswordHasher

PRODUCTION_HASHERS = ["accounts.hashers.PortalArgon2PasswordHasher"]  # config/settings.py's first (tests use MD5)


def test_production_hashes_passwords_with_argon2id_at_owasp_parameters(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS

    encoded = make_password("un-mot-de-passe-solide")

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("un-mot-de-passe-solide", encoded)
    assert not check_password("un-autre", encoded)


def test_a_hash_at_djangos_former_parameters_still_signs_in_and_is_rehashed(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    former = Argon2PasswordHasher().encode("un-mot-de-passe-solide", Argon2PasswordHasher().salt())
    assert "m=102400,t=2,p=8" in former
    rehashed = []

    assert check_password("un-mot-de-passe-solide", former, setter=lambda raw: rehashed.append(make_password(raw)))
    assert PortalArgon2PasswordHasher().must_update(former)
    assert rehashed and "m=19456,t=2,p=1" in rehashed[0]
