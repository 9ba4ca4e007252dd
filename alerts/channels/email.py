"""The email channel: builds the alert message and sends it by SMTP or to a pickup dir.

Error policy: any 5xx reply (a refused recipient included) is permanent; connection
failures, timeouts, disconnects and 4xx replies are worth retrying.
"""

from __future__ import annotations

import email.policy
import hashlib
import os
import smtplib
import ssl
import tempfile
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime

from provwatch.alerts import digest_render, render
from provwatch.alerts.channels.base import ChannelSettings
from provwatch.alerts.errors import DeliveryError
from provwatch.alerts.message import AlertMessage, Digest
from provwatch.alerts.notice import Notice

# CRLF line ends, and non-ASCII bodies get base64/quoted-printable so no 8BITMIME is needed.
POLICY = email.policy.SMTP.clone(cte_type="7bit")


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def _message_id(name: str, content: tuple, domain: str) -> str:
    """The same for a re-send of the same message; the content hash keeps two provwatch
    databases (say, staging and production) mailing one inbox from sharing an id, which a
    mail service would fold into one message."""
    digest = hashlib.sha256(repr(content).encode("utf-8")).hexdigest()[:12]
    return f"<provwatch.{name}.{digest}@{domain}>"


class EmailChannel:
    """Sends each alert to one address."""

    def __init__(self, to: str, settings: ChannelSettings) -> None:
        self.to = to
        self.settings = settings
        self.key = f"email:{to}"

    def _message(self, subject: str, at: datetime, id_name: str | None = None,
                 id_content: tuple = ()) -> EmailMessage:
        """A message with the headers every kind shares; ``id_name`` gives it a stable
        Message-ID (the same on a re-send after a crash, so a mail client folds it)."""
        s = self.settings
        message = EmailMessage(policy=POLICY)
        message["Subject"] = subject
        message["From"] = s.smtp_from
        message["To"] = self.to
        message["Date"] = format_datetime(at)
        if id_name is not None:
            domain = s.smtp_from.rpartition("@")[2].strip("<> ") or "provwatch.localhost"
            message["Message-ID"] = _message_id(id_name, (*id_content, self.to), domain)
        return message

    def _deliver(self, message: EmailMessage, pickup_name: str) -> None:
        if self.settings.smtp_pickup_dir:
            self._drop(message, pickup_name)
        else:
            self._smtp(message)

    def build(self, msg: AlertMessage) -> EmailMessage:
        """The complete multipart/alternative message for ``msg``."""
        message = self._message(render.subject(msg), datetime.now(timezone.utc),
                                f"delivery-{msg.delivery_id}",
                                (msg.story_id, msg.article_id, msg.url))
        message["X-Provwatch-Story"] = str(msg.story_id)
        message.set_content(render.text_body(msg))
        message.add_alternative(render.html_body(msg), subtype="html")
        return message

    def send(self, msg: AlertMessage) -> None:
        self._deliver(self.build(msg), f"{msg.delivery_id}-{msg.story_id}.eml")

    def build_digest(self, digest: Digest) -> EmailMessage:
        """One multipart/alternative message for a digest or a rate-limit summary."""
        message = self._message(digest_render.digest_title(digest), datetime.now(timezone.utc),
                                digest.delivery_id, tuple(m.delivery_id for m in digest.items))
        message["X-Provwatch-Event"] = digest_render.DIGEST_EVENTS[digest.kind]
        message.set_content(digest_render.digest_text(digest))
        message.add_alternative(digest_render.digest_html(digest), subtype="html")
        return message

    def send_digest(self, digest: Digest) -> None:
        self._deliver(self.build_digest(digest), f"{digest.delivery_id}.eml")

    def send_notice(self, notice: Notice) -> None:
        """A plain-text operator notice (a source's health changed)."""
        message = self._message(render.clean_line(notice.subject), notice.at)
        message["X-Provwatch-Event"] = notice.event
        message.set_content(notice.body)
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in notice.key)
        self._deliver(message, f"notice-{safe}.eml")

    def _drop(self, message: EmailMessage, name: str) -> None:
        folder = self.settings.smtp_pickup_dir or "."
        path = os.path.join(folder, name)
        tmp = None
        try:
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".eml.tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(message.as_bytes())
            os.replace(tmp, path)
        except OSError as exc:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            raise DeliveryError(f"{self.key}: cannot write {path}: {exc}") from exc

    def _tls(self) -> ssl.SSLContext:
        """Certificates are always verified (host name included); ``smtp_ca_file`` adds
        the CA of a private relay."""
        try:
            return ssl.create_default_context(cafile=self.settings.smtp_ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise DeliveryError(f"{self.key}: cannot read smtp_ca_file "
                                f"{self.settings.smtp_ca_file}: {exc}", permanent=True) from exc

    def _smtp(self, message: EmailMessage) -> None:
        s = self.settings
        where = f"{self.key} via {s.smtp_host}:{s.smtp_port}"
        context = self._tls() if s.smtp_security != "none" else None
        try:
            if s.smtp_security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.smtp_host,
                    s.smtp_port,
                    timeout=s.smtp_timeout,
                    context=context,
                )
            else:
                client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            with client:
                if s.smtp_security == "starttls":
                    client.starttls(context=context)
                if s.smtp_username:
                    client.login(s.smtp_username, s.smtp_password or "")
                refused = client.send_message(message, from_addr=s.smtp_from, to_addrs=[self.to])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = exc.recipients.get(self.to, (550, b"recipient refused"))
            raise DeliveryError(
                f"{where}: recipient refused: {_reply(code, text)}", permanent=code >= 500
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"{where}: server replied {_reply(exc.smtp_code, exc.smtp_error)}",
                permanent=500 <= exc.smtp_code < 600,
            ) from exc
        except smtplib.SMTPServerDisconnected as exc:
            raise DeliveryError(f"{where}: server disconnected: {exc}") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"{where}: {exc}", permanent=True) from exc
        except TimeoutError as exc:
            raise DeliveryError(f"{where}: timed out after {s.smtp_timeout:g}s") from exc
        except OSError as exc:  # connection refused, DNS, TLS, other SMTPException
            raise DeliveryError(f"{where}: cannot deliver: {exc}") from exc
        if refused:
            code, text = refused.get(self.to, (550, b"recipient refused"))
            raise DeliveryError(
                f"{where}: recipient refused: {_reply(code, text)}", permanent=code >= 500
            )
