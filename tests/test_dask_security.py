"""The local Dask cluster of ``sweep --executor dask`` is locked down.

Its scheduler speaks TLS with temporary credentials made for this cluster
only: another local process without them cannot connect (neither over TLS
without a certificate nor over plain TCP), while a client holding them can.
Its HTTP server answers no page unless the dashboard is asked for.
"""

from __future__ import annotations

import asyncio
import ssl
import urllib.error
import urllib.request

import pytest

from sim.experiments.executors import DaskExecutor

pytest.importorskip("distributed")
pytest.importorskip("cryptography")


def double(x: int) -> int:
    return 2 * x


@pytest.fixture(scope="module")
def cluster():
    with DaskExecutor(workers=1) as executor:
        yield executor


def test_local_cluster_uses_tls_and_runs(cluster):
    address = cluster._cluster.scheduler_address
    assert address.startswith("tls://127.0.0.1:")
    assert sorted(cluster.imap_unordered(double, range(4))) == [0, 2, 4, 6]


async def _identity(address: str, security) -> dict:
    """Connect to the scheduler and ask who it is (as any Dask client does first)."""
    from distributed.comm import connect

    if isinstance(security, ssl.SSLContext):
        kwargs = {"ssl_context": security}
    else:
        kwargs = security.get_connection_args("client") if security is not None else {}
    comm = await connect(address, timeout=5, **kwargs)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        await comm.close()


def _no_certificate() -> ssl.SSLContext:
    """A TLS client that accepts any server and has no certificate of its own."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def test_connection_without_credentials_is_refused(cluster):
    from distributed.security import Security

    address = cluster._cluster.scheduler_address
    attempts = [
        (address, None),  # TLS without any certificate
        (address.replace("tls://", "tcp://"), None),  # plain TCP to the TLS port
        (address, Security.temporary()),  # TLS with another cluster's credentials
        (address, _no_certificate()),  # TLS trusting any server, no client certificate
    ]
    for target, security in attempts:
        with pytest.raises((OSError, TimeoutError, TypeError, ValueError)):
            asyncio.run(_identity(target, security))
    # the cluster's own credentials do connect
    assert asyncio.run(_identity(address, cluster.security))["type"] == "Scheduler"


def test_http_server_serves_nothing_without_dashboard(cluster):
    port = cluster._cluster.scheduler.http_server.port
    assert port != 8787
    for page in ("/status", "/info/main/workers.html", "/json/identity.json", "/health"):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{page}", timeout=5)  # noqa: S310
        assert info.value.code == 404
