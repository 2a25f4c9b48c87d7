"""What can go wrong while signing, each with a message in plain Vietnamese fit for the leader's page."""

from __future__ import annotations


class SigningError(Exception):
    """Signing could not be done; ``str(e)`` is a Vietnamese sentence for the user."""


class SoftwareKeyRefused(SigningError):
    """A software key in production."""


class CertificateProblem(SigningError):
    """The signer's certificate is not usable now: ``status`` is revoked, expired or unknown."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


class RemoteSigningRefused(SigningError):
    """The signer declined the request on their phone (or let it expire)."""


class RemoteSigningFailed(SigningError):
    """The remote signing service failed or answered something unusable (``retry`` when worth retrying)."""

    def __init__(self, message: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


class SignatureMismatch(SigningError):
    """The signature value returned does not verify over what we asked to sign (a wrong hash)."""
