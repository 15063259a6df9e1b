"""Fetching a product picture named by an address in an imported file, safely.

An address in a spreadsheet is input: without care, a file could make the shop's server fetch
from itself (``http://127.0.0.1:8000/admin/``), from the cloud provider's metadata service
(``http://169.254.169.254/``) or from machines on the private network behind it, and show or
store what came back. So a picture is fetched only when:

- the address is ``http`` or ``https``, without a user name or password in it;
- every address its host name resolves to is a public one (``address_refused``): no
  loopback, private, link-local, shared, reserved, multicast or unspecified address, IPv4
  inside IPv6 included. The connection then goes to an address that was checked, not to a
  second look-up of the name (which a hostile DNS server could answer differently);
- each redirect is checked the same way before it is followed, at most ``MAX_REDIRECTS``;
- it arrives within ``TIMEOUT_SECONDS`` and is at most ``MAX_IMAGE_BYTES`` (a longer
  ``Content-Length`` is refused before the body is read, a body that keeps coming is cut
  off);
- Pillow opens it as a JPEG, PNG, GIF or WebP picture of at most ``MAX_PIXELS``.

Anything else raises ``ImageRefused`` with a message for staff; the import reports it on the
product's row.

An operator whose pictures sit on a machine of the shop's own network (a file server at
192.168.1.20) can allow that network with the ``SHOP_IMPORT_IMAGE_ALLOWED_NETWORKS`` setting
(a list of networks such as ``"192.168.1.0/24"``). It is empty by default, so nothing
private is fetched.

Looking up the host name uses the system's resolver, whose own time limits apply; the
download has ``TIMEOUT_SECONDS`` from the first connection on.

``http.client`` is used rather than ``requests`` because it lets the connection go to the
checked address while the ``Host`` header and the TLS certificate check use the name, and
it never reads proxy settings from the environment (a proxy would fetch the address itself,
unchecked).
"""

import http.client
import io
import ipaddress
import socket
import ssl
import time
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
TIMEOUT_SECONDS = 10
SOCKET_TIMEOUT_SECONDS = 5
MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "shop-product-import/1"


class ImageRefused(Exception):
    """The picture was not fetched; ``message`` says why, for staff."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class FetchedImage:
    data: bytes
    file_name: str
    format: str


@dataclass
class Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str
    addresses: list


def allowed_networks():
    """The networks an operator allowed (``SHOP_IMPORT_IMAGE_ALLOWED_NETWORKS``); entries
    that are not networks allow nothing."""
    networks = []
    for entry in getattr(settings, "SHOP_IMPORT_IMAGE_ALLOWED_NETWORKS", ()) or ():
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            continue
    return networks


def address_refused(address, allowed=()):
    """Whether the shop must not connect to ``address`` (text, as ``getaddrinfo`` gives it):
    anything but a public unicast address, unless it is in one of the ``allowed`` networks."""
    try:
        ip = ipaddress.ip_address(str(address).split("%", 1)[0])
    except ValueError:
        return True
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip.version == network.version and ip in network for network in allowed):
        return False
    return not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified


def check_url(url, allowed=None):
    """The checked ``Target`` of ``url``: scheme, host, port, and the addresses its host
    resolves to, every one of them allowed. Raises ``ImageRefused``."""
    allowed = allowed_networks() if allowed is None else allowed
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ImageRefused(_("The picture's address is not a valid web address.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ImageRefused(_("A picture's address must start with http:// or https://."))
    if parts.username is not None or parts.password is not None:
        raise ImageRefused(_("A picture's address must not hold a user name or password."))
    host = parts.hostname
    if not host:
        raise ImageRefused(_("The picture's address has no host name."))
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ImageRefused(_("The picture's address is not a valid web address.")) from exc
    port = port or (443 if scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ImageRefused(
            _("The picture's host %(host)s was not found.") % {"host": host}
        ) from exc
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses or any(address_refused(address, allowed) for address in addresses):
        raise ImageRefused(
            _(
                "The picture's address points into a private or local network; the shop "
                "fetches pictures only from public web addresses."
            )
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(url, scheme, host, port, path, addresses)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked ``address``; the Host header still names the host."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked ``address``; the certificate is checked against the host."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise too_slow()
    return left


def too_slow():
    return ImageRefused(_("The picture took too long to arrive."))


def _request(target, deadline):
    """``(status, location, body)`` of a GET to ``target``; ``body`` only for a 200."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    last_error = None
    for address in target.addresses:
        # Each wait on the socket is short; the whole fetch has ``TIMEOUT_SECONDS``.
        timeout = min(_remaining(deadline), SOCKET_TIMEOUT_SECONDS)
        connection = connection_class(target.host, target.port, address, timeout)
        try:
            connection.request(
                "GET",
                target.path,
                headers={"User-Agent": USER_AGENT, "Accept": "image/*", "Connection": "close"},
            )
            response = connection.getresponse()
            if response.status in REDIRECTS:
                return response.status, response.getheader("Location"), None
            if response.status != 200:
                return response.status, None, None
            return 200, None, _read_body(response, deadline)
        except ImageRefused:
            raise
        except TimeoutError as exc:
            raise too_slow() from exc
        except (OSError, http.client.HTTPException) as exc:
            last_error = exc
        finally:
            connection.close()
    raise ImageRefused(
        _("The picture could not be downloaded (%(error)s).")
        % {"error": last_error.__class__.__name__ if last_error else "?"}
    )


def _read_body(response, deadline):
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > MAX_IMAGE_BYTES:
        raise too_big()
    chunks = []
    size = 0
    while True:
        _remaining(deadline)
        # read1: what one read of the socket brings, so a server sending a byte at a time
        # is cut off at the deadline rather than waited for until a whole chunk arrives.
        chunk = response.read1(CHUNK_BYTES)
        if not chunk:
            break
        size += len(chunk)
        if size > MAX_IMAGE_BYTES:
            raise too_big()
        chunks.append(chunk)
    return b"".join(chunks)


def too_big():
    return ImageRefused(
        _("The picture is larger than %(limit)s.") % {"limit": filesizeformat(MAX_IMAGE_BYTES)}
    )


def checked_image(data):
    """The picture's format (``"PNG"``...) if ``data`` is a picture the shop takes, else
    ``ImageRefused``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                kind = picture.format
                width, height = picture.size
                if kind not in FORMATS:
                    raise ImageRefused(_("Only JPEG, PNG, GIF and WebP pictures can be imported."))
                if width * height > MAX_PIXELS:
                    raise ImageRefused(_("The picture has too many pixels."))
                picture.verify()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(_("The picture has too many pixels.")) from exc
    except Exception as exc:  # Pillow raises many kinds for data that is not a picture
        raise ImageRefused(_("What the address returned is not a picture.")) from exc
    return kind


def file_name_for(url, kind):
    stem = slugify(PurePosixPath(unquote(urlsplit(url).path)).stem)[:60] or "product-image"
    return f"{stem}.{FORMATS[kind]}"


def fetch_image(url, allowed=None, seconds=TIMEOUT_SECONDS):
    """Download the picture at ``url`` under every rule above, within ``seconds`` (at most
    ``TIMEOUT_SECONDS``). Raises ``ImageRefused``."""
    deadline = time.monotonic() + min(seconds, TIMEOUT_SECONDS)
    allowed = allowed_networks() if allowed is None else allowed
    for _hop in range(MAX_REDIRECTS + 1):
        target = check_url(url, allowed)
        status, location, body = _request(target, deadline)
        if status in REDIRECTS:
            if not location:
                raise ImageRefused(_("The picture's address redirects nowhere."))
            url = urljoin(url, location)
            continue
        if status != 200:
            raise ImageRefused(
                _("The picture's server answered %(status)s instead of the picture.")
                % {"status": status}
            )
        kind = checked_image(body)
        return FetchedImage(body, file_name_for(url, kind), kind)
    raise ImageRefused(_("The picture's address redirects too many times."))
