# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run jobs on threads with two limits: at most ``total`` at once, and at most ``per_key`` for any one key.

Here a key is an endpoint and a job is one handshake, so ``per_key`` is what a server (or its IDS) sees and
``total`` is what the controller spends. Jobs start in the order given, skipping those whose endpoint is
busy; a finished job may drop the rest of its endpoint's jobs (an unreachable host needs no five more tries).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

J = TypeVar("J")
R = TypeVar("R")
K = TypeVar("K", bound=Hashable)


class LimitedRunner(Generic[J, R, K]):
    """``run()`` returns ``{job index: result}``; dropped jobs have no entry.

    ``finished(index, job, result)`` runs under the runner's lock after each job and returns True to drop the
    key's pending jobs; ``key_done(key)`` runs (also under the lock) once a key has nothing pending or running.
    """

    def __init__(self, jobs: Sequence[J], key: Callable[[J], K], work: Callable[[J], R], *, total: int,
                 per_key: int, finished: Callable[[int, J, R], bool],
                 key_done: Callable[[K], None] = lambda key: None) -> None:
        if total < 1 or per_key < 1:
            raise ValueError("limits must be at least 1")
        self._jobs = jobs
        self._key = key
        self._work = work
        self._total = total
        self._per_key = per_key
        self._finished = finished
        self._key_done = key_done
        self._pending = list(range(len(jobs)))
        self._left: dict[K, int] = {}
        for job in jobs:
            self._left[key(job)] = self._left.get(key(job), 0) + 1
        self._running: dict[K, int] = {}
        self._results: dict[int, R] = {}
        self._failure: BaseException | None = None
        self._lock = threading.Condition()

    def _next(self) -> int | None:
        """Under the lock: the first pending job whose key has room, waiting while all are blocked."""
        while True:
            if self._failure is not None:
                return None
            for position, index in enumerate(self._pending):
                key = self._key(self._jobs[index])
                if self._running.get(key, 0) < self._per_key:
                    del self._pending[position]
                    self._running[key] = self._running.get(key, 0) + 1
                    return index
            if not self._pending:
                return None
            self._lock.wait()

    def _worker(self) -> None:
        while True:
            with self._lock:
                index = self._next()
            if index is None:
                return
            job = self._jobs[index]
            key = self._key(job)
            try:
                result = self._work(job)
            except BaseException as err:  # handed to run(), which re-raises it in the caller's thread
                with self._lock:
                    self._failure = self._failure or err
                    self._running[key] -= 1
                    self._lock.notify_all()
                return
            with self._lock:
                self._running[key] -= 1
                self._left[key] -= 1
                self._results[index] = result
                try:
                    if self._finished(index, job, result):
                        self._drop(key)
                    if self._left[key] == 0:
                        self._key_done(key)
                except BaseException as err:  # same: never leave the other workers waiting
                    self._failure = self._failure or err
                self._lock.notify_all()

    def _drop(self, key: K) -> None:
        kept = [i for i in self._pending if self._key(self._jobs[i]) != key]
        self._left[key] -= len(self._pending) - len(kept)
        self._pending = kept

    def run(self) -> dict[int, R]:
        threads = [threading.Thread(target=self._worker, name=f"tls_scan-{n}", daemon=True)
                   for n in range(min(self._total, len(self._jobs)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self._failure is not None:
            raise self._failure
        return self._results
