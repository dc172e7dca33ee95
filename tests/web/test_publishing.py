"""The export a web change asks for: one at a time, requests folded, and under a stream
of writes the exports keep their distance."""

from __future__ import annotations

import threading
import time

from web.publishing import FeedPublisher


def test_requests_during_an_export_fold_into_one_more_export_after_the_pause() -> None:
    started: list[float] = []
    ended: list[float] = []
    gate = threading.Event()

    def publish() -> None:
        started.append(time.monotonic())
        gate.wait(10)  # the first export "runs" until the test lets it finish
        ended.append(time.monotonic())

    publisher = FeedPublisher(publish, pause=0.3)
    publisher.request()
    deadline = time.monotonic() + 10
    while not started:  # the background thread has begun the first export
        assert time.monotonic() < deadline
        time.sleep(0.01)
    publisher.request()
    publisher.request()  # two writes while it runs
    gate.set()
    assert publisher.wait(10)
    assert len(started) == 2 and publisher.exports == 2  # folded into one more
    assert started[1] - ended[0] >= 0.3  # and that one waited its pause


def test_a_single_request_exports_once() -> None:
    calls: list[int] = []
    publisher = FeedPublisher(lambda: calls.append(1), pause=30)
    publisher.request()
    assert publisher.wait(10)  # no pause after the last export: wait returns
    assert calls == [1]
