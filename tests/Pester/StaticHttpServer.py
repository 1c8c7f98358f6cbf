"""Serves a directory over HTTP on 127.0.0.1 for the tests.

Usage: python3 StaticHttpServer.py <directory> [max-seconds]
Prints the port it listens on, then serves until its stdin is closed (the test ends, or
dies) or max-seconds pass, so it never outlives the test that started it.
"""
import functools
import http.server
import sys
import threading


class Server(http.server.ThreadingHTTPServer):
    # The default backlog of 5 resets connections when agents open many at once.
    request_queue_size = 128
    daemon_threads = True


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    root = sys.argv[1]
    max_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 900
    server = Server(("127.0.0.1", 0), functools.partial(QuietHandler, directory=root))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    stdin_closed = threading.Event()

    def wait_for_eof():
        sys.stdin.read()
        stdin_closed.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    stdin_closed.wait(max_seconds)
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
