#!/usr/bin/env python3
"""Readiness probe for the native Kafka broker, with no Kafka client installed.

Sends a Metadata request (v1, no topics) over the Kafka wire protocol and prints the
number of live brokers and the controller id. Exit 0 when at least one broker is
registered (the broker is unfenced and serving), 1 otherwise.

Usage: kafka_probe.py HOST PORT [TIMEOUT_SECONDS]
"""
import socket
import struct
import sys


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by broker")
        buf += chunk
    return buf


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    client_id = b"stack-probe"
    correlation_id = 7
    # Request header v1: api_key=3 (Metadata), api_version=1, correlation_id, client_id.
    # Body v1: topics array; an empty array asks for no topic (brokers + controller only).
    body = struct.pack(">hhih", 3, 1, correlation_id, len(client_id)) + client_id
    body += struct.pack(">i", 0)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(struct.pack(">i", len(body)) + body)
            size = struct.unpack(">i", read_exact(sock, 4))[0]
            resp = read_exact(sock, size)
    except (OSError, ConnectionError) as exc:
        print(f"not ready: {exc}", file=sys.stderr)
        return 1
    (corr,) = struct.unpack_from(">i", resp, 0)
    if corr != correlation_id:
        print("not ready: unexpected correlation id", file=sys.stderr)
        return 1
    pos = 4
    (n_brokers,) = struct.unpack_from(">i", resp, pos)
    pos += 4
    for _ in range(max(n_brokers, 0)):
        pos += 4  # node_id
        (hlen,) = struct.unpack_from(">h", resp, pos)
        pos += 2 + hlen + 4  # host, port
        (rlen,) = struct.unpack_from(">h", resp, pos)
        pos += 2 + max(rlen, 0)  # rack (nullable)
    (controller,) = struct.unpack_from(">i", resp, pos)
    print(f"brokers={n_brokers} controller={controller}")
    return 0 if n_brokers > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
