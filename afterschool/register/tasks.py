"""Background work of the register."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> None:
    """Send one e-mail; retried with backoff when the mail server is unreachable."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


@shared_task
def roster_uploads_purge() -> int:
    """Delete roster uploads left waiting (previewed, never confirmed) longer than the allowed age."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from afterschool.register.roster import ROSTER_UPLOAD_FOLDER, roster_upload_storage

    storage = roster_upload_storage()
    folder = ROSTER_UPLOAD_FOLDER
    if not storage.exists(folder):
        return 0
    cutoff = timezone.now() - datetime.timedelta(hours=settings.ROSTER_UPLOAD_MAX_AGE_HOURS)
    removed = 0
    for name in storage.listdir(folder)[1]:
        path = f"{folder}/{name}"
        if storage.get_modified_time(path) < cutoff:
            storage.delete(path)
            removed += 1
    return removed
