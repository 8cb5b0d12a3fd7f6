"""The two concurrency limits, dropping an endpoint's remaining jobs, and failures that reach the caller."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.tlsguard.windows.plugins.plugin_utils._scan.scheduler import LimitedRunner


class Meter:
    """Counts jobs running at once, overall and per key; each job sleeps so that jobs really overlap."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now = {}
        self.peak = {}
        self.total_now = self.total_peak = 0

    def work(self, job):
        key, _n = job
        with self.lock:
            self.now[key] = self.now.get(key, 0) + 1
            self.peak[key] = max(self.peak.get(key, 0), self.now[key])
            self.total_now += 1
            self.total_peak = max(self.total_peak, self.total_now)
        time.sleep(0.05)
        with self.lock:
            self.now[key] -= 1
            self.total_now -= 1
        return job


def jobs(keys=4, per_key=4):
    return [(key, n) for key in range(keys) for n in range(per_key)]


@pytest.mark.parametrize("total, per_key", [(1, 1), (3, 1), (3, 2), (8, 3), (16, 4)])
def test_limits_hold_and_are_used(total, per_key):
    meter = Meter()
    results = LimitedRunner(jobs(), key=lambda j: j[0], work=meter.work, total=total, per_key=per_key,
                            finished=lambda i, j, r: False).run()
    assert sorted(results.values()) == jobs()
    assert max(meter.peak.values()) == per_key
    assert meter.total_peak == min(total, 4 * per_key)


def test_a_finished_job_can_drop_the_rest_of_its_key():
    done = []
    results = LimitedRunner(jobs(3, 6), key=lambda j: j[0], work=lambda j: j, total=1, per_key=1,
                            finished=lambda i, j, r: j == (1, 0), key_done=done.append).run()
    assert sorted(results.values()) == [(0, n) for n in range(6)] + [(1, 0)] + [(2, n) for n in range(6)]
    assert sorted(done) == [0, 1, 2]


def test_key_done_comes_once_per_key_after_its_last_job():
    seen = []
    finished_jobs = []

    def finished(_index, job, _result):
        finished_jobs.append(job)
        return False

    def key_done(key):
        seen.append(key)
        assert sum(1 for j in finished_jobs if j[0] == key) == 6

    LimitedRunner(jobs(4, 6), key=lambda j: j[0], work=lambda j: j, total=5, per_key=2, finished=finished,
                  key_done=key_done).run()
    assert sorted(seen) == [0, 1, 2, 3]


def test_an_exception_in_a_job_reaches_the_caller_and_stops_the_rest():
    ran = []

    def work(job):
        ran.append(job)
        if job == (0, 1):
            raise RuntimeError("boom")
        return job

    with pytest.raises(RuntimeError, match="boom"):
        LimitedRunner(jobs(2, 6), key=lambda j: j[0], work=work, total=1, per_key=1,
                      finished=lambda i, j, r: False).run()
    assert len(ran) < 12


def test_an_exception_in_a_callback_reaches_the_caller():
    def finished(_index, _job, _result):
        raise ValueError("callback")

    with pytest.raises(ValueError, match="callback"):
        LimitedRunner(jobs(2, 2), key=lambda j: j[0], work=lambda j: j, total=2, per_key=1, finished=finished).run()


def test_limits_below_one_are_refused():
    with pytest.raises(ValueError):
        LimitedRunner([], key=lambda j: j, work=lambda j: j, total=0, per_key=1, finished=lambda i, j, r: False)
