from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class PinHasher(PBKDF2PasswordHasher):
    """Salted PBKDF2 for badge PINs, lighter than for passwords.

    A 4-digit PIN has 10,000 values: no stretching makes a stolen hash safe, so what guards a
    PIN is the lockout after a few wrong tries (django-axes, per person). Full password
    stretching (~0.3 s of CPU a check) would instead starve the server when a whole shift signs
    in at once.
    """

    algorithm = "pbkdf2_pin"

    @property
    def iterations(self):
        return getattr(settings, "PIN_HASH_ITERATIONS", 100_000)
