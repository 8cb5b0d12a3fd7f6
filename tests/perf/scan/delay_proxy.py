# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Add round-trip latency to local TCP endpoints (``tc netem`` is not available in these sandboxes).

``python delay_proxy.py --listen BASE --backend BASE --count N --rtt-ms 20`` listens on 127.0.0.1 ports
BASE..BASE+N-1 and forwards each to the matching backend port. A connection costs one RTT before its first byte
moves (the TCP handshake the proxy cannot delay), and every chunk travels RTT/2 in each direction, in order.
It prints ``ready`` once listening and runs until terminated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

HOST = "127.0.0.1"


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter, one_way: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def read() -> None:
        while True:
            data = await source.read(65536)
            queue.put_nowait((loop.time() + one_way, data))
            if not data:
                return

    async def write() -> None:
        while True:
            due, data = await queue.get()
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not data:
                sink.close()
                return
            sink.write(data)
            await sink.drain()

    with contextlib.suppress(ConnectionError):  # either side may reset; the other is closed below
        await asyncio.gather(read(), write())


async def _relay(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter, backend: int,
                 rtt: float) -> None:
    await asyncio.sleep(rtt)
    try:
        server_reader, server_writer = await asyncio.open_connection(HOST, backend)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(_pipe(client_reader, server_writer, rtt / 2), _pipe(server_reader, client_writer, rtt / 2))
    for writer in (client_writer, server_writer):
        writer.close()


async def _main(args: argparse.Namespace) -> None:
    rtt = args.rtt_ms / 1000
    servers = []
    for offset in range(args.count):
        backend = args.backend + offset

        async def handle(reader, writer, backend=backend):
            await _relay(reader, writer, backend, rtt)

        servers.append(await asyncio.start_server(handle, HOST, args.listen + offset, backlog=256))
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    await asyncio.gather(*(server.serve_forever() for server in servers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--backend", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--rtt-ms", type=float, required=True)
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
