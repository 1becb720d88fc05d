"""Tests for progress.py."""

import io

from vaeseq import testing
from vaeseq.examples.common import progress


class FakeClock:

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class TtyStream(io.StringIO):

    def isatty(self):
        return True


def test_format_duration():
    assert progress.format_duration(0) == "0:00:00"
    assert progress.format_duration(3725.2) == "1:02:05"
    assert progress.format_duration(100 * 3600) == "100:00:00"


def test_render_rate_eta_and_metrics():
    clock = FakeClock()
    bar = progress.ProgressBar(100, initial=10, stream=io.StringIO(),
                               width=10, clock=clock)
    bar.update(10)
    clock.now += 20
    line = bar.render(50, clock.now, {"bits": 2.5})
    # 40 steps in 20 s: 2 steps/s, 50 steps (25 s) to go.
    assert line == ("50/100 [#####.....]  50.0% 2.00 steps/s ETA 0:00:25 "
                    "bits 2.500")


def test_deadline_caps_the_eta():
    clock = FakeClock()
    bar = progress.ProgressBar(10**6, stream=io.StringIO(), clock=clock,
                               deadline=clock.now + 60)
    bar.update(0)
    clock.now += 10
    assert "ETA 0:00:50" in bar.render(10, clock.now, {})


def test_time_budget_shown_when_the_deadline_comes_first():
    clock = FakeClock()
    bar = progress.ProgressBar(10**9, stream=io.StringIO(), width=10,
                               clock=clock, deadline=clock.now + 60)
    # Before the rate is known: the budget, no ETA.
    clock.now += 2  # Start-up (tracing) counts against the budget.
    bar.update(0)
    assert bar.render(0, clock.now, {}) == (
        "0 steps [..........]   3.3% 0:00:02/0:01:00")
    clock.now += 16
    # 180 steps in 16 s; 18 s of the 60 s spent, 42 s to go.
    assert bar.render(180, clock.now, {"bits": 2.5}) == (
        "180 steps [###.......]  30.0% 0:00:18/0:01:00 11.25 steps/s "
        "ETA 0:00:42 bits 2.500")
    clock.now += 50  # Past the deadline.
    assert bar.render(700, clock.now, {}).startswith(
        "700 steps [##########] 100.0% 0:01:08/0:01:00")


def test_steps_shown_when_they_end_before_the_deadline():
    clock = FakeClock()
    bar = progress.ProgressBar(100, stream=io.StringIO(), width=10,
                               clock=clock, deadline=clock.now + 3600)
    bar.update(0)
    clock.now += 10
    # 20 steps in 10 s: 40 s to go, well within the hour.
    assert bar.render(20, clock.now, {}) == (
        "20/100 [##........]  20.0% 2.00 steps/s ETA 0:00:40")


def test_pipe_gets_a_line_per_interval():
    clock = FakeClock()
    stream = io.StringIO()
    bar = progress.ProgressBar(10, stream=stream, interval=5, clock=clock)
    for step in range(1, 11):
        bar.update(step, force=step == 10)
        clock.now += 1
    bar.close()
    lines = stream.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["1/10", "6/10", "10/10"]


def test_close_writes_the_latest_state():
    clock = FakeClock()
    stream = io.StringIO()
    bar = progress.ProgressBar(10, stream=stream, interval=5, clock=clock)
    bar.update(1)
    bar.update(2)
    bar.close()
    bar.close()
    lines = stream.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["1/10", "2/10"]


def test_terminal_line_is_redrawn():
    clock = FakeClock()
    stream = TtyStream()
    bar = progress.ProgressBar(10, stream=stream, clock=clock)
    bar.update(1, {"a_long_metric_name": 1.0, "another_long_one": 2.0})
    clock.now += 1
    bar.update(2)
    bar.close()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n")
    first, second = text.strip("\n").split("\r")[1:]
    assert len(first) > len(second.rstrip(" "))
    assert len(second) == len(first)  # Padded over the longer first line.


if __name__ == "__main__":
    testing.main(__file__)
