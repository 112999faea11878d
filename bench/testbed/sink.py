#!/usr/bin/env python3
"""The upload sink of bench/aggregate.sh: accepts one connection on PORT (an MPTCP socket, which
takes plain TCP too), writes every byte it receives to FILE, and when the sender closes writes the
epoch time of the last byte to FILE.end. The listening socket stays open until then: kernel MPTCP
joins its extra subflows through it (a sink that stops listening after accept refuses them).

Usage: sink.py PORT FILE        (prints "ready PORT" once it listens)
"""
import socket
import sys
import time

IPPROTO_MPTCP = getattr(socket, "IPPROTO_MPTCP", 262)


def listen(port):
    try:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    except OSError:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", port))
    server.listen(16)
    return server


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    server = listen(port)
    print("ready", port, flush=True)
    conn, _ = server.accept()
    with open(path, "wb") as out:
        while True:
            data = conn.recv(1 << 20)
            if not data:
                break
            out.write(data)
    end = time.time()
    with open(path + ".end", "w") as f:
        f.write("%.6f\n" % end)
    conn.close()
    server.close()


if __name__ == "__main__":
    main()
