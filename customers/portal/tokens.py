"""The signed links the portal emails: verifying a sign-up and signing in without a password.

A token names the user and a fingerprint of the account's state (password, last sign-in, active flag,
address), signed with SECRET_KEY and a salt of its own, with the time it was made. It stops working
when it is older than its setting allows, when it is altered, and once used: using it changes the state
it fingerprints (verifying activates the user, signing in sets the last sign-in), and the service that
consumes it claims that change with a conditional UPDATE, so two clicks at once cannot both succeed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from helpdesk.models import User


@dataclass(frozen=True)
class AccountLink:
    salt: str
    # The setting that holds how long a link lives, and how many seconds one unit of it is.
    max_age_setting: str
    unit_seconds: int

    def max_age(self) -> int:
        return getattr(settings, self.max_age_setting) * self.unit_seconds

    def _fingerprint(self, user: User) -> str:
        last_login = "" if user.last_login is None else user.last_login.replace(microsecond=0).isoformat()
        state = f"{user.pk}|{user.password}|{last_login}|{user.is_active}|{user.email.lower()}"
        return salted_hmac(self.salt, state, algorithm="sha256").hexdigest()[:32]

    def make(self, user: User) -> str:
        return signing.dumps([user.pk, self._fingerprint(user)], salt=self.salt, compress=False)

    def user(self, token: str) -> User | None:
        """The user the token was made for, if it is genuine, fresh and their account is unchanged."""
        try:
            pk, fingerprint = signing.loads(token, salt=self.salt, max_age=self.max_age())
        except (signing.BadSignature, TypeError, ValueError):  # expired, tampered or malformed
            return None
        user = User.objects.filter(pk=pk).first() if isinstance(pk, int) else None
        if user is None or not constant_time_compare(str(fingerprint), self._fingerprint(user)):
            return None
        return user


verify_link = AccountLink("customers.portal.verify", "PORTAL_VERIFY_HOURS", 3600)
signin_link = AccountLink("customers.portal.signin", "PORTAL_SIGNIN_LINK_MINUTES", 60)
