#!/usr/bin/env python3
# Reference client for `make bench BENCH=reference` (bench/sections/reference.ts). It exists to
# check our client: an independent HTTP/1.1 + SSE client that shares no code with the engine (no
# Node, no undici, Python's standard library only), deliberately plain: asyncio streams over raw
# sockets, keep-alive per connection, chunked decoding, SSE lines. It sends the bytes the engine
# sends (headers and body from bench/lib/engine.ts `wireRequest`) and prints one JSON document of
# raw times (ns from its start, time.perf_counter_ns); the TS section computes every figure.
#
#   closed: python3 client.py --url URL --header 'k: v' --body JSON --closed 128 --requests 512
#   open:   python3 client.py --url URL --header 'k: v' --body - --rate 1000 --requests 3000 <body.json
#
# Output: {"client", "python", "mode", "cpuS", "wallS", "requests": [{"index", "scheduled" (open
# only), "sent", "first", "chunks", "end", "status", "error"}]}. `first` is the first SSE data line
# whose JSON has a non-empty choices[0].delta.content, `chunks` every such line; a chunk's time is
# the socket read that completed it. In open mode latency counts from the scheduled send time.
import argparse
import asyncio
import json
import sys
import time
from urllib.parse import urlsplit

now = time.perf_counter_ns


class Connection:
    """One keep-alive connection with its own read buffer (one await per socket read)."""

    def __init__(self, reader, writer):
        self.reader, self.writer, self.buffer, self.read_ns = reader, writer, bytearray(), 0

    async def fill(self):
        data = await self.reader.read(65536)
        if not data:
            raise ConnectionError('connection closed by the server')
        self.read_ns = now()
        self.buffer += data

    async def line(self):
        while (at := self.buffer.find(b'\r\n')) < 0:
            await self.fill()
        line = bytes(self.buffer[:at])
        del self.buffer[:at + 2]
        return line

    async def exactly(self, size):
        while len(self.buffer) < size:
            await self.fill()
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


class SseContent:
    """SSE lines -> events; records the time of each event carrying delta content."""

    def __init__(self, times, origin):
        self.times, self.origin, self.pending, self.data = times, origin, b'', []

    def feed(self, data, at_ns):
        lines = (self.pending + data).split(b'\n')
        self.pending = lines.pop()
        for line in lines:
            line = line.rstrip(b'\r')
            if line == b'':
                self.dispatch(b'\n'.join(self.data), at_ns)
                self.data = []
            elif line.startswith(b'data:'):
                self.data.append(line[6:] if line.startswith(b'data: ') else line[5:])

    def dispatch(self, payload, at_ns):
        if payload == b'' or payload == b'[DONE]':
            return
        choices = json.loads(payload).get('choices') or [{}]
        if (choices[0].get('delta') or {}).get('content'):
            self.times.append(at_ns - self.origin)


async def exchange(connection, request_bytes, record, origin):
    """Writes one request, reads the answer; returns whether the connection can be reused."""
    connection.writer.write(request_bytes)
    await connection.writer.drain()
    status_line = await connection.line()
    record['status'] = int(status_line.split(b' ')[1])
    headers = {}
    while (line := await connection.line()) != b'':
        name, _, value = line.partition(b':')
        headers[name.strip().lower()] = value.strip().lower()
    sse = SseContent(record['chunks'], origin) if headers.get(b'content-type', b'').startswith(b'text/event-stream') else None
    def body(data):
        if sse is not None:
            sse.feed(data, connection.read_ns)
    if headers.get(b'transfer-encoding') == b'chunked':
        while (size := int((await connection.line()).split(b';')[0], 16)) > 0:
            body((await connection.exactly(size + 2))[:-2])
        while await connection.line() != b'':
            pass  # trailers
    elif b'content-length' in headers:
        body(await connection.exactly(int(headers[b'content-length'])))
    else:
        raise ValueError('answer has neither chunked encoding nor content-length')
    if sse is not None:
        sse.feed(b'\n\n', connection.read_ns)  # an unterminated last event still counts
    return headers.get(b'connection') != b'close'


class Target:
    def __init__(self, url, headers, body):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        head = f'POST {parts.path or "/"} HTTP/1.1\r\nhost: {parts.netloc}\r\nconnection: keep-alive\r\n'
        head += ''.join(f'{name}: {value}\r\n' for name, value in headers)
        self.request_bytes = (head + f'content-length: {len(body)}\r\n\r\n').encode() + body

    async def one(self, connection, record, origin):
        """One request on `connection` (or a new one); returns the connection to reuse, or None."""
        record['sent'] = now() - origin
        try:
            if connection is None:
                connection = Connection(*await asyncio.open_connection(self.host, self.port))
            reusable = await exchange(connection, self.request_bytes, record, origin)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as error:
            record['error'] = f'{type(error).__name__}: {error}'
            reusable = False
        record['end'] = now() - origin
        record['first'] = record['chunks'][0] if record['chunks'] else None
        if not reusable and connection is not None:
            connection.writer.close()
            return None
        return connection


def new_record(index, scheduled=None):
    return {'index': index, 'scheduled': scheduled, 'sent': None, 'first': None, 'chunks': [], 'end': None, 'status': None, 'error': None}


async def run_closed(target, users, count, origin):
    """`users` loops, each on its own connection, no think time, until `count` requests are done."""
    records = [new_record(index) for index in range(count)]
    pending = iter(records)

    async def user():
        connection = None
        for record in pending:  # shared: each loop takes the next request (one thread, no race)
            connection = await target.one(connection, record, origin)
        if connection is not None:
            connection.writer.close()
    await asyncio.gather(*(user() for _ in range(users)))
    return records


async def run_open(target, rate, count, origin):
    """Sends at origin + i / rate on an idle connection (a new one when none is idle)."""
    records = [new_record(index, round(index * 1e9 / rate)) for index in range(count)]
    idle = []

    async def send(record):
        connection = await target.one(idle.pop() if idle else None, record, origin)
        if connection is not None:
            idle.append(connection)
    tasks = []
    for record in records:
        delay = (origin + record['scheduled'] - now()) / 1e9
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(record)))
    await asyncio.gather(*tasks)
    for connection in idle:
        connection.writer.close()
    return records


def main():
    parser = argparse.ArgumentParser(description='Reference HTTP/1.1 + SSE client for the llm-gauntlet benchmarks.')
    parser.add_argument('--url', required=True)
    parser.add_argument('--header', action='append', default=[], help="'name: value', repeatable")
    parser.add_argument('--body', required=True, help="the JSON body, or '-' to read it from stdin")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument('--closed', type=int, metavar='USERS', help='closed model: this many connections, no think time')
    mode.add_argument('--rate', type=float, metavar='PER_S', help='open model: requests per second, at offsets i / rate')
    parser.add_argument('--requests', type=int, required=True)
    options = parser.parse_args()
    body = (sys.stdin.read() if options.body == '-' else options.body).encode()
    json.loads(body)  # fail early on a body that is not JSON
    headers = [tuple(part.strip() for part in header.split(':', 1)) for header in options.header]
    target = Target(options.url, headers, body)
    # The open model's first send is 50 ms away, so the loop is running when it comes due.
    cpu_before, started = time.process_time(), now()
    if options.closed is not None:
        records = asyncio.run(run_closed(target, options.closed, options.requests, started))
    else:
        records = asyncio.run(run_open(target, options.rate, options.requests, started + 50_000_000))
    wall_s, cpu_s = (now() - started) / 1e9, time.process_time() - cpu_before
    json.dump({'client': 'python-asyncio-reference', 'python': sys.version.split()[0], 'mode': 'closed' if options.closed is not None else 'open',
               'cpuS': cpu_s, 'wallS': wall_s, 'requests': records}, sys.stdout, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
