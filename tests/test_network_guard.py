"""The suite itself cannot reach another host: a library that quietly downloads fails."""

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


def test_connections_beyond_the_allowed_loopback_address_are_blocked():
    # 127.0.0.2 is loopback too, so even without the guard nothing leaves the machine.
    blocked = pytest.raises(SocketConnectBlockedError)
    with pytest.warns(UserWarning, match="127.0.0.2"), blocked:
        socket.create_connection(("127.0.0.2", 9), timeout=1)


def test_loopback_stays_open():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
