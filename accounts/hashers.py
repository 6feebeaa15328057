"""Password hashing at a cost the opening-morning rush can pay."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane) instead of Django's 100 MiB
    on 8 lanes: 16 ms of one core per sign-in here rather than 170 ms of both, which made 200 parents
    signing in at once wait 18 s. Same algorithm name: existing hashes still verify and Django re-hashes
    them at these parameters on the next sign-in (`must_update`)."""

    memory_cost = 19456  # KiB
    time_cost = 2
    parallelism = 1
