"""The driver channel survives whatever an implementation does: any bytes on stdout, children
it forks, in-process hangs, long network runs and the documented ``unsupported`` answer."""

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conformance_helpers import HERE, misbehaving

from qvcp.conformance.cases import Verdict
from qvcp.conformance.conform import plan, run_conformance
from qvcp.conformance.drivers.inprocess import InProcessTransport
from qvcp.conformance.drivers.stdio import StdioTransport
from qvcp.conformance.protocol import DriverProtocolError, DriverTimeout, timeout_scale
from qvcp.conformance.report import build_report
from qvcp.conformance.runner import exit_code, run_cases
from qvcp.conformance.session import Session
from qvcp.reference.driver import ReferenceDriver

TWO_CASES = ["wire.vector.herald-valid-1", "wire.vector.wire-empty"]
MISBEHAVING = f"{sys.executable} {HERE / 'misbehaving.py'}"


@pytest.mark.parametrize(("mode", "message", "shown"), [
    ("binary", "output line is not UTF-8 (invalid start byte at byte 0)",
     r"\xff\xfe\x00\x01 binary"),
    ("long-line", "output line longer than 1048576 bytes (3145728 bytes)", "xxxxxxxx"),
    ("nan", "output line is not JSON: NaN is not a JSON value", '"hex": NaN'),
    ("garbage", "output line is not JSON: Expecting value", "this is not json"),
])
def test_any_bytes_on_stdout_are_a_protocol_error_and_the_run_goes_on(
        mode: str, message: str, shown: str) -> None:
    run = run_conformance(misbehaving(mode), selectors=TWO_CASES, timeout=5)
    assert [r.verdict for r in run.results] == [Verdict.ERRORED, Verdict.ERRORED]
    first, second = run.results
    assert first.message == f"malformed driver output: {message}", first.message
    assert shown in first.evidence["line"]
    assert len(first.evidence["line"]) < 300  # the first bytes, not the whole line
    assert second.evidence["starts"] == 2  # restarted: the reader survived the first
    assert exit_code(run) == 2


def test_unsupported_answers_make_cases_unsupported_not_errored() -> None:
    run = run_conformance(misbehaving("unsupported"), selectors=TWO_CASES)
    assert [r.verdict for r in run.results] == [Verdict.UNSUPPORTED, Verdict.UNSUPPORTED]
    assert run.results[0].message == ("the implementation answered unsupported: wire.decode: "
                                      "wire.decode is not implemented")
    # a run that judged nothing certifies nothing: not conformant, though nothing errored
    assert exit_code(run) == 1
    report = build_report(run, command="qvcp conform")
    assert report["summary"]["verdict"] == "non-conformant"
    assert "no case judged" in report["summary"]["headline"]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has been killed; only its parent's reaping is left


def _gone(pid: int) -> bool:
    """True once ``pid`` is dead (SIGKILL is delivered asynchronously: wait up to 5 s)."""
    for _ in range(250):
        if not _alive(pid):
            return True
        time.sleep(0.02)
    return False


def _child_pid(transport: StdioTransport) -> int:
    for _ in range(100):
        for line in transport.stderr_tail:
            found = re.fullmatch(r"child pid (\d+)", line)
            if found:
                return int(found.group(1))
        time.sleep(0.02)
    raise AssertionError(f"no child pid on stderr: {list(transport.stderr_tail)}")


def test_children_of_the_implementation_die_with_it_at_the_end_of_the_run() -> None:
    transport = StdioTransport(f"{MISBEHAVING} fork")
    Session(transport, harness="test").start()
    child = _child_pid(transport)
    assert _alive(child)
    transport.close()  # the implementation answers bye and exits; its child must not stay
    assert _gone(child)


def test_children_of_a_hung_implementation_die_on_the_timeout() -> None:
    transport = StdioTransport(f"{MISBEHAVING} fork-hang", timeout=0.3)
    session = Session(transport, harness="test")
    session.start()
    child = _child_pid(transport)
    with pytest.raises(DriverTimeout):
        session.call("wire.decode", {"hex": "00"})
    transport.restart()
    assert _gone(child)
    transport.close()


def test_an_interrupted_harness_leaves_no_child_behind() -> None:
    script = (
        "import sys, time\n"
        "from qvcp.conformance.drivers.stdio import StdioTransport\n"
        "from qvcp.conformance.session import Session\n"
        f"t = StdioTransport({f'{MISBEHAVING} fork'!r})\n"
        "Session(t, harness='test').start()\n"
        "time.sleep(0.3)\n"
        "print(t.stderr_tail[0], flush=True)\n"
        "raise KeyboardInterrupt\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert "KeyboardInterrupt" in done.stderr
    child = int(done.stdout.split()[-1])
    assert _gone(child)


class _HangsOnce(ReferenceDriver):
    """The reference, except that its first ``wire.decode`` never returns."""

    hung = threading.Event()

    def wire_decode(self, **kwargs: object) -> dict:
        if not _HangsOnce.hung.is_set():
            _HangsOnce.hung.set()
            threading.Event().wait(30)
        return super().wire_decode(**kwargs)  # type: ignore[arg-type]


def test_a_hung_in_process_driver_errors_its_case_and_the_run_goes_on() -> None:
    transport = InProcessTransport(_HangsOnce, label="hangs-once", timeout=0.5)
    session = Session(transport, harness="test")
    impl = session.start()
    started = time.monotonic()
    results = run_cases(plan(selectors=TWO_CASES), session, impl, driver="hangs-once", seed=1)
    assert time.monotonic() - started < 10
    assert [r.verdict for r in results] == [Verdict.ERRORED, Verdict.PASS]
    assert results[0].message == "timeout: wire.decode: no answer within 0.5 s"
    assert transport.starts == 2  # a fresh driver for the second case
    session.close()


class _SlowNetwork(ReferenceDriver):
    def network_run(self, **kwargs: object) -> dict:
        time.sleep(0.6)
        return {"deliveries": [], "circuits": [], "qubits_in_use": {}}


@pytest.mark.parametrize(("pairs", "answered"), [(0, False), (1000, True)])
def test_network_runs_wait_in_proportion_to_the_pairs_asked_for(pairs: int,
                                                                answered: bool) -> None:
    transport = InProcessTransport(_SlowNetwork, label="slow", timeout=0.3)
    args = {"scenario": {}, "circuits": [{"num_pairs": pairs}], "until_ns": 1, "seed": 1}
    assert timeout_scale("network.run", args) == 1 + pairs / 500
    if answered:  # 0.3 s x 3 = 0.9 s
        assert "result" in transport.request("network.run", args, None,
                                             scale=timeout_scale("network.run", args))
    else:
        with pytest.raises(DriverTimeout, match=r"no answer within 0\.3 s"):
            transport.request("network.run", args, None,
                              scale=timeout_scale("network.run", args))
    transport.close()


def test_the_line_limit_grows_with_the_request() -> None:
    transport = StdioTransport(f"{MISBEHAVING} big")
    try:
        big = {"circuits": [{"num_pairs": 1000}]}  # three periods: 3 MiB
        answer = transport.request("network.run", big, None,
                                   scale=timeout_scale("network.run", big))
        assert len(answer["result"]["pad"]) == 2 << 20
        with pytest.raises(DriverProtocolError, match=r"longer than 1048576 bytes"):
            transport.request("wire.decode", {"hex": "00"}, None)
    finally:
        transport.close()


def test_a_line_just_under_the_cap_is_read_whole() -> None:
    # a line just under the cap is read whole: nothing is cut short
    transport = StdioTransport(f"{sys.executable} -c \"print('[' + '1,' * 524000 + '1]')\"")
    try:
        with pytest.raises(DriverProtocolError, match="not a JSON object"):
            transport.request("wire.decode", {"hex": "00"}, None)
    finally:
        transport.close()


def test_the_reader_thread_is_not_left_running_after_close() -> None:
    before = threading.active_count()
    transport = StdioTransport(f"{MISBEHAVING} unsupported")
    transport.close()
    for _ in range(50):
        if threading.active_count() <= before:
            break
        time.sleep(0.02)
    assert threading.active_count() <= before
