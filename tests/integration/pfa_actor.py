"""pfa_actor.py — a PFA/1 actor written in Python, for integration tests.

The actor protocol (docs/PROTOCOL-INTERNAL.md) seen from the actor's side:
a DEALER connects to the coordinator's actor endpoint, registers with
READY, waits for WELCOME (which sets the heartbeat pace), sends HEARTBEATs,
and then gets TASKs (work for its service) and REPLYs (answers to the CALLs
it made to other services).  PfaActor does all of that on a thread of its
own — the socket is created, used and closed by that thread alone (zmq
sockets are not thread-safe) — and leaves what to do with a message to
hooks a subclass overrides:
  - on_message(command, header): every message, before anything else;
  - on_task(header, inputs) and on_reply(header, payload): return the
    messages to send at once (lists of frames, see pfa()).
Other threads hand messages to send() (the thread sends them in order).
The constructor returns once WELCOME has arrived.
"""

import os
import queue
import threading
import time

import zmq

import pfp_harness as h

PFA = b"PFA/1"
# Heartbeat pace until WELCOME gives the coordinator's.
FIRST_BEAT_S = 1.0
# How long the thread waits for a message before it looks at its outbox
# again: the delay of a message handed to send().
POLL_MS = 20


def pfa(command, header=None, payload=None):
    """The frames of one PFA/1 message; payload is packed unless it is bytes."""
    frames = [PFA, command.encode(), h.pack(header or {})]
    if payload is not None:
        frames.append(payload if isinstance(payload, bytes) else h.pack(payload))
    return frames


def result(task, ok=True, payload=None, duration_ms=1, **fields):
    """A RESULT for task (a TASK header), with extra header fields."""
    header = {"task_id": task["task_id"], "job_id": task["job_id"], "module": task["module"],
              "attempt": task["attempt"], "ok": ok, "duration_ms": duration_ms}
    header.update(fields)
    return pfa("RESULT", header, payload)


class PfaActor:
    """One PFA/1 actor of service on its own thread (see the module doc)."""

    def __init__(self, ctx, endpoint, service, instance=None, capacity=1, poll_ms=POLL_MS):
        self.ctx = ctx
        self.endpoint = endpoint
        self.service = service
        self.instance = instance or "py-%s-%d" % (service, os.getpid())
        self.capacity = capacity
        self.poll_ms = poll_ms
        self.welcome = None                 # the WELCOME header
        self._outbox = queue.Queue()        # (frames, callable or None)
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(h.READY_TIMEOUT_S):
            raise TimeoutError("python actor %s got no WELCOME" % self.instance)

    # -- hooks (run on the actor's thread) ---------------------------------
    def on_message(self, command, header):
        """Sees every message received."""

    def on_task(self, header, inputs):
        """A TASK; returns the messages to send (a RESULT, CALLs...)."""
        return []

    def on_reply(self, header, payload):
        """A REPLY to a CALL (payload None when there is none)."""
        return []

    # -- from other threads -------------------------------------------------
    def send(self, frames, on_sent=None):
        """Queues a message; on_sent() runs on the thread right after it went out."""
        self._outbox.put((frames, on_sent))

    def close(self):
        self._stop.set()
        self._thread.join(h.READY_TIMEOUT_S)

    # -- the thread ---------------------------------------------------------
    def _run(self):
        sock = self.ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(self.endpoint)
        sock.send_multipart(pfa("READY", {"service": self.service, "instance": self.instance,
                                          "capacity": self.capacity, "pid": os.getpid(),
                                          "host": "python"}))
        beat_s, next_beat = FIRST_BEAT_S, time.monotonic() + FIRST_BEAT_S
        try:
            while not self._stop.is_set():
                self._send_queued(sock)
                if time.monotonic() >= next_beat:
                    sock.send_multipart(pfa("HEARTBEAT"))
                    next_beat = time.monotonic() + beat_s
                if sock.poll(self.poll_ms, zmq.POLLIN) == 0:
                    continue
                while sock.poll(0, zmq.POLLIN):
                    frames = sock.recv_multipart()
                    command = frames[1].decode()
                    header = h.unpack(frames[2])
                    payload = h.unpack(frames[3]) if len(frames) > 3 else None
                    self.on_message(command, header)
                    out = []
                    if command == "WELCOME":
                        self.welcome = header
                        beat_s = header["heartbeat_ms"] / 1000.0
                        self._ready.set()
                    elif command == "TASK":
                        out = self.on_task(header, {} if payload is None else payload)
                    elif command == "REPLY":
                        out = self.on_reply(header, payload)
                    for message in out or []:
                        sock.send_multipart(message)
        finally:
            sock.close(0)

    def _send_queued(self, sock):
        while True:
            try:
                frames, on_sent = self._outbox.get_nowait()
            except queue.Empty:
                return
            sock.send_multipart(frames)
            if on_sent:
                on_sent()
