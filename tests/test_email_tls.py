"""Email over TLS with authentication, against aiosmtpd on loopback: STARTTLS and implicit
TLS (SSL) with AUTH, a wrong password, and an untrusted certificate. The test makes its
own CA and a server certificate for 127.0.0.1 (cryptography, which Scrapy already needs);
provwatch is told the CA with ``smtp_ca_file`` and verifies the server as usual."""

from __future__ import annotations

import email
import email.policy
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from _servers import _Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from provwatch.alerts.channels import ChannelSettings
from provwatch.alerts.channels.email import EmailChannel
from provwatch.alerts.errors import DeliveryError
from provwatch.alerts.message import AlertMessage

USER, PASSWORD = "alerts@example.com", "correct horse"
# aiosmtpd only counts STARTTLS as TLS for AUTH; over implicit TLS (the "ssl" server) AUTH
# must be allowed "without TLS", which it warns about although the socket is encrypted.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS:UserWarning")


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(ca.pem, server.pem, server.key) for 127.0.0.1, valid for a day."""
    folder = tmp_path_factory.mktemp("tls")
    now = datetime.now(timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("provwatch test CA"))
          .issuer_name(_name("provwatch test CA")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                       crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False,
                                       decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name("127.0.0.1"))
            .issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@dataclass
class Mailbox:
    port: int = 0
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.box.messages.append(email.message_from_bytes(envelope.content,
                                                          policy=email.policy.default))
        self.box.tls.append(server.transport.get_extra_info("ssl_object") is not None)
        return "250 Message accepted for delivery"


def _authenticator(box: Mailbox):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD)
        if ok:
            box.logins.append(f"{mechanism}:{auth_data.login.decode()}")
        return AuthResult(success=ok, handled=False)  # the server replies 535 itself

    return check


def _server_context(certs) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(certs[1], certs[2])
    return ctx


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(request, certs) -> Iterator[tuple[str, Mailbox]]:
    box = Mailbox()
    kwargs = dict(hostname="127.0.0.1", port=0, auth_required=True,
                  authenticator=_authenticator(box))
    if request.param == "starttls":
        kwargs.update(tls_context=_server_context(certs), require_starttls=True)
    else:
        kwargs.update(ssl_context=_server_context(certs), auth_require_tls=False)
    controller = _Controller(_Handler(box), **kwargs)
    controller.start()
    box.port = controller.port
    try:
        yield request.param, box
    finally:
        controller.stop()


def _msg() -> AlertMessage:
    return AlertMessage(delivery_id=7, watchlist="nev", story_id=3, article_id=9,
                        title="河南省委书记会见比亚迪董事长", url="https://example.cn/a/9.html",
                        source_id="henan_gov", published_at=datetime(2026, 11, 20, tzinfo=timezone.utc),
                        snippet="会见中，双方就新能源汽车产业合作深入交流。",
                        provinces_about=("henan",), sectors=("nev",))


def test_mail_goes_over_tls_with_auth_and_arrives_whole(tls_server, certs):
    security, box = tls_server
    settings = ChannelSettings(smtp_host="127.0.0.1", smtp_port=box.port,
                               smtp_security=security, smtp_username=USER,
                               smtp_password=PASSWORD, smtp_from=USER,
                               smtp_ca_file=str(certs[0]), smtp_timeout=10)

    EmailChannel("desk@example.com", settings).send(_msg())

    (mail,) = box.messages
    assert box.tls == [True] and box.logins and box.logins[0].endswith(USER)
    assert "河南省委书记会见比亚迪董事长" in mail["Subject"] and "Henan" in mail["Subject"]
    assert mail.get_body(("html",)) is not None and mail.get_body(("plain",)) is not None


def test_a_wrong_password_is_a_permanent_error_with_the_servers_reply(tls_server, certs):
    security, box = tls_server
    settings = ChannelSettings(smtp_host="127.0.0.1", smtp_port=box.port,
                               smtp_security=security, smtp_username=USER,
                               smtp_password="wrong", smtp_ca_file=str(certs[0]),
                               smtp_timeout=10)

    with pytest.raises(DeliveryError) as caught:
        EmailChannel("desk@example.com", settings).send(_msg())

    assert caught.value.permanent and "535" in str(caught.value)
    assert f"127.0.0.1:{box.port}" in str(caught.value) and box.messages == []


def test_an_untrusted_server_certificate_is_refused_naming_the_reason(tls_server):
    security, box = tls_server
    settings = ChannelSettings(smtp_host="127.0.0.1", smtp_port=box.port,
                               smtp_security=security, smtp_username=USER,
                               smtp_password=PASSWORD, smtp_timeout=10)

    with pytest.raises(DeliveryError) as caught:
        EmailChannel("desk@example.com", settings).send(_msg())

    assert "certificate verify failed" in str(caught.value) and box.messages == []


def test_an_unreadable_ca_file_is_a_permanent_error_naming_it(tmp_path):
    settings = ChannelSettings(smtp_host="127.0.0.1", smtp_port=9, smtp_security="starttls",
                               smtp_ca_file=str(tmp_path / "missing.pem"))

    with pytest.raises(DeliveryError) as caught:
        EmailChannel("desk@example.com", settings).send(_msg())

    assert caught.value.permanent and "missing.pem" in str(caught.value)


def test_the_message_id_is_the_same_on_a_resend_and_differs_between_recipients():
    settings = ChannelSettings(smtp_from="alerts@example.com")
    first = EmailChannel("a@example.com", settings).build(_msg())["Message-ID"]
    again = EmailChannel("a@example.com", settings).build(_msg())["Message-ID"]
    other = EmailChannel("b@example.com", settings).build(_msg())["Message-ID"]
    assert first == again != other
    assert first.startswith("<provwatch.delivery-7.") and first.endswith("@example.com>")
