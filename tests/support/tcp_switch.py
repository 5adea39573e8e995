"""A TCP forwarder on 127.0.0.1 that can be switched off and on: a database outage on demand."""

from __future__ import annotations

import socket
import threading


class TcpSwitch:
    """Forward connections to (host, port) while on; while off, drop every connection (open ones too)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.on = True
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(32)
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self.on:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def switch_off(self) -> None:
        """Refuse new connections and cut the open ones, as a database going away does."""
        self.on = False
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
                except OSError:
                    pass
            self._open.clear()

    def switch_on(self) -> None:
        """Forward again."""
        self.on = True

    def close(self) -> None:
        """Stop listening."""
        self.switch_off()
        self._server.close()
