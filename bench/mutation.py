"""Mutation testing of the status and planning rules (cosmic-ray), with the score and survivors.

Which modules, and which tests judge them (``TARGETS``): the outlook rules (``models/outlook.py``)
against their rule tests; the L&D rules (``models/planning.py``) and the planning use cases
(``skillpulse/services/planning.py``) against the planning tests. A mutant is killed when those
tests fail (or time out) with it in place.

How it runs, reproducibly and without touching the tree:

1. The sources are copied in their installed layout (``skillpulse/models/…``: the repository maps
   its top-level folders to ``skillpulse.*``) to ``--workdir`` (default ``.mutation/``, ignored by
   git; wiped at the start of each run), once per job. cosmic-ray mutates each copy one mutant
   at a time; the repository itself is never touched.
2. Each mutant's test command is a tiny client of a fork server started here: the server imports
   pytest, numpy, scipy, statsmodels, polars and duckdb once, then forks one child per mutant that
   runs pytest on the copy (``-x``: the first failing test kills the mutant). Starting Python and
   those libraries for each of ~1,000 mutants would cost more than the tests themselves. The
   tests run in stages, fastest first: the database tests only for a mutant the pure ones let
   through. ``--jobs`` copies (default 2) each take a share of the mutants, side by side; every
   child uses one thread (the machine is shared).
3. Operators left out (``EXCLUDED``): arithmetic is replaced by the other three of ``+ - * /``
   only (not by ``// % **`` nor by bitwise/shift operators: the modules do no integer arithmetic;
   such mutants only add run time), and an ordering comparison is not replaced by ``is``/``is not``
   (identity mutants of ``is None`` checks stay in). Mutants inside type annotations are not run:
   with ``from __future__ import annotations`` nothing evaluates them.
4. The baseline (unmutated) must pass, else nothing is scored; a mutant the server failed to test
   stops the run rather than count as killed.

Prints killed/total per module and overall, the time taken, and every survivor (line, operator,
the mutated line); ``report.md`` in the workdir keeps the same. ``CONTRIBUTING.md`` ("Mutation
testing") explains each survivor that remains.

Run: ``.venv/bin/python bench/mutation.py`` (all targets; the time of the last run is in CONTRIBUTING)
or ``--target outlook`` (repeatable). Needs the ``mutation`` extra (``pip install -e '.[mutation]'``).
On a busy machine: ``--budget MINUTES`` stops each target after that long and scores the mutants it
ran — cosmic-ray runs them in random order, so they are a simple random sample: the score comes with
Wilson's 95% interval; ``--resume`` goes on with the sessions in ``--workdir`` (unrun mutants, and
the survivors again, with the current tests; refused when the module changed since); ``--tally``
only reports them.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import importlib
import json
import math
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The repository folder → where it sits in the installed package (pyproject ``package-dir``).
LAYOUT = {"skillpulse": "skillpulse", "data": "skillpulse/data", "models": "skillpulse/models",
          "dashboard": "skillpulse/dashboard", "sql": "skillpulse/sql", "tests": "tests"}
PYTEST = ["-x", "-q", "--no-header", "-p", "no:cacheprovider", "-p", "no:dash", "-o", "addopts="]
# Each target's tests in stages, fastest first: a later stage runs only for a mutant that the
# earlier ones let through (most mutants die in the first, before the database tests are collected).
TARGETS: dict[str, tuple[str, list[list[str]]]] = {
    "outlook": ("skillpulse/models/outlook.py",
                [["tests/test_outlook_rules.py", "-k", "not each_threshold_is_pinned"]]),
    "planning": ("skillpulse/models/planning.py",
                 [["tests/test_planning_rules.py", "tests/test_planning_volume.py"],
                  ["tests/test_planning.py"]]),
    "services": ("skillpulse/services/planning.py", [["tests/test_planning.py"]]),
}
THEN = "--then"  # separates the stages in a test command
EXCLUDED = [
    r"core/ReplaceBinaryOperator_\w+_(BitOr|BitAnd|BitXor|LShift|RShift|FloorDiv|Mod|Pow)$",
    r"core/ReplaceComparisonOperator_(Eq|NotEq|Lt|LtE|Gt|GtE)_(Is|IsNot)$",
]
CHILD_TIMEOUT = 60  # seconds one mutant's tests may take (a hang counts as killed)
ANNOTATION = "annotation (not evaluated)"
SHARD = "run by another copy"
INFRA = 99  # the client's exit code when the server failed: never scored as a kill
THREAD_VARS = ("POLARS_MAX_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def client(sock_path: str, args: list[str]) -> int:
    """The test command cosmic-ray runs per mutant: ask the server to run pytest, relay its code."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(sock_path)
            s.sendall(json.dumps({"args": args, "cwd": os.getcwd()}).encode() + b"\n")
            reply = json.loads(s.makefile("rb").readline())
    except (OSError, ValueError) as exc:
        print(f"mutation server unreachable: {exc}")
        return INFRA
    print(reply["tail"])
    return int(reply["rc"])


def prepare(workdir: Path, jobs: int, resume: bool = False) -> list[Path]:
    """Fresh copies (one per job) of the sources and tests in the installed layout (``resume``:
    the sessions of the previous run stay)."""
    if workdir.exists() and not resume:
        shutil.rmtree(workdir)
    for old in [*workdir.glob("src[0-9]*"), workdir / "pytest"] if resume else []:
        shutil.rmtree(old, ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.duckdb*", "eval")
    copies = [workdir / f"src{k}" for k in range(jobs)]
    for src in copies:
        for folder, dest in LAYOUT.items():
            shutil.copytree(REPO / folder, src / dest, ignore=ignore, dirs_exist_ok=True)
        shutil.copy2(REPO / "pyproject.toml", src / "pyproject.toml")
    (workdir / "pytest").mkdir()  # each copy's --basetemp goes below (pytest makes one level)
    return copies


def _third_party_modules(src: Path) -> list[str]:
    """The modules other than skillpulse and the tests that importing every target's test modules
    loads (found in a throwaway process, so the server never imports skillpulse itself)."""
    tests = sorted({t.removesuffix(".py").replace("/", ".") for _, stages in TARGETS.values()
                    for args in stages for t in args if t.startswith("tests/") and t.endswith(".py")})
    code = ("import importlib, json, sys\n"
            f"sys.path.insert(0, {str(src)!r})\n"
            f"for t in {tests!r}: importlib.import_module(t)\n"
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=src, check=True, capture_output=True,
                         text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}).stdout
    own = ("skillpulse", "tests", "__main__")
    return [m for m in json.loads(out.splitlines()[-1])
            if m.split(".")[0] not in own and not m.startswith("_pytest.") and m != "conftest"]


class Server:
    """Forks one pytest child per request (and stage), in the requesting copy, whose modules the
    server never imports; requests from several copies run side by side."""

    def __init__(self, src: Path, workdir: Path) -> None:
        for var in THREAD_VARS:
            os.environ[var] = "1"
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        sys.dont_write_bytecode = True
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # hypothesis' plugin alone: 3 s a run
        # Every third-party module the tests import, once (the children only import skillpulse).
        for name in _third_party_modules(src):
            try:
                importlib.import_module(name)
            except Exception:  # a module that only imports in its own context
                continue
        assert not any(m.startswith("skillpulse") for m in sys.modules), "server imported skillpulse"
        self.src, self.workdir = src, workdir
        self.path = str(workdir / "fork.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        Path(self.path).unlink(missing_ok=True)  # left by a run that was killed
        self.sock.bind(self.path)
        self.sock.listen(4)
        self.sock.settimeout(0.5)
        self.served = 0
        self.handlers: set[int] = set()

    def log(self, cwd: Path) -> Path:
        return self.workdir / f"{cwd.name}.log"

    def run_child(self, args: list[str], cwd: Path) -> int:
        args = [*args, f"--basetemp={self.workdir / 'pytest' / cwd.name}"]
        pid = os.fork()
        if pid == 0:  # the child: fresh imports of the (mutated) copy
            rc = 3
            try:
                fd = os.open(self.log(cwd), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                import signal
                signal.alarm(CHILD_TIMEOUT)
                os.chdir(cwd)
                sys.path.insert(0, str(cwd))
                import importlib.util

                import pytest
                spec = importlib.util.find_spec("skillpulse.models.outlook")
                if spec is None or not str(spec.origin).startswith(f"{cwd}{os.sep}"):
                    print(f"the copy is not what gets imported: {spec and spec.origin}")
                    rc = INFRA
                else:
                    rc = int(pytest.main(args))
            except BaseException as exc:
                print(f"child failed: {exc!r}")
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(rc)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        return 124 if code < 0 else code  # a signal (the alarm): timed out

    def run_stages(self, args: list[str], cwd: Path) -> int:
        """Each stage (``THEN``-separated pytest arguments) until one fails; its exit code."""
        stage: list[str] = []
        for arg in [*args, THEN]:
            if arg != THEN:
                stage.append(arg)
                continue
            rc = self.run_child(stage, cwd)
            if rc != 0:
                return rc
            stage = []
        return 0

    def serve_while(self, procs: list[subprocess.Popen[bytes]], deadline: float = math.inf) -> bool:
        """Answer clients until every one of ``procs`` (cosmic-ray exec) has exited; each request
        is handled in a forked handler, so the copies' mutants run side by side. At ``deadline``
        (``time.monotonic``) the execs are stopped; returns whether that happened."""
        stopped = False
        while any(p.poll() is None for p in procs) or self.handlers:
            self._reap()
            if not stopped and time.monotonic() > deadline:
                stopped = True
                for p in procs:
                    p.terminate()
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.served += 1
            pid = os.fork()
            if pid:
                self.handlers.add(pid)
                conn.close()
                continue
            code = 0
            try:
                with conn:
                    request = json.loads(conn.makefile("rb").readline())
                    cwd = Path(request["cwd"])
                    rc = self.run_stages(request["args"], cwd)
                    log = self.log(cwd)
                    tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
                    with contextlib.suppress(OSError):  # cosmic-ray gave up on it (its timeout)
                        conn.sendall(json.dumps({"rc": rc, "tail": tail}).encode() + b"\n")
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        return stopped

    def _reap(self) -> None:
        for pid in list(self.handlers):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                self.handlers.discard(pid)

    def close(self) -> None:
        self.sock.close()
        Path(self.path).unlink(missing_ok=True)


def _args(name: str) -> list[str]:
    """The pytest arguments of a target's stages, ``THEN``-separated."""
    out: list[str] = []
    for i, stage in enumerate(TARGETS[name][1]):
        out += [THEN] if i else []
        out += [*PYTEST, *stage]
    return out


def _config(workdir: Path, name: str, module: str, sock: str) -> Path:
    args = _args(name)
    client_copy = workdir / "client.py"  # edits to this file during a run cannot break clients
    shutil.copy2(Path(__file__), client_copy)
    command = " ".join([sys.executable, str(client_copy), "--client", sock, "--",
                        *(a if " " not in a else f"'{a}'" for a in args)])
    excluded = ", ".join(json.dumps(e) for e in EXCLUDED)
    path = workdir / f"{name}.toml"
    path.write_text(
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(module)}\n"
        f"timeout = {2.0 * CHILD_TIMEOUT}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n"
        "[cosmic-ray.distributor]\n"
        'name = "local"\n'
        "[cosmic-ray.filters.operators-filter]\n"
        f"exclude-operators = [{excluded}]\n")
    return path


def _annotation_spans(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the type annotations of a module are, when they are never evaluated (the module has
    ``from __future__ import annotations``); empty otherwise."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    postponed = any(isinstance(n, ast.ImportFrom) and n.module == "__future__"
                    and any(a.name == "annotations" for a in n.names) for n in tree.body)
    if not postponed:
        return []
    found: list[ast.expr | None] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            a = node.args
            found += [x.annotation for x in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg)
                      if x is not None]
            found.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
    return [((n.lineno, n.col_offset), (n.end_lineno or n.lineno, n.end_col_offset or 0))
            for n in found if n is not None]


def _skip_annotations(session: Path, module: Path) -> None:
    """Mark mutants inside annotations skipped: a string nobody evaluates cannot change behaviour."""
    from cosmic_ray.work_db import use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans = _annotation_spans(module)
    with use_db(str(session)) as db:
        for item in list(db.pending_work_items):
            pos = tuple(item.mutations[0].start_pos)
            if any(a <= pos < b for a, b in spans):
                db.set_result(item.job_id, WorkResult(output=ANNOTATION,
                                                      worker_outcome=WorkerOutcome.SKIPPED))


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _shard(session: Path, jobs: int) -> list[Path]:
    """Copies of ``session`` that each leave the others' share of the pending mutants skipped."""
    from cosmic_ray.work_db import use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(str(session)) as db:
        pending = sorted(item.job_id for item in db.pending_work_items)
    shards = []
    for k in range(jobs):
        path = session.with_name(f"{session.stem}.{k}.sqlite")
        shutil.copy2(session, path)
        with use_db(str(path)) as db:
            for i, job in enumerate(pending):
                if i % jobs != k:
                    db.set_result(job, WorkResult(output=SHARD, worker_outcome=WorkerOutcome.SKIPPED))
        shards.append(path)
    return shards


def _resumable(workdir: Path, name: str, jobs: int) -> list[Path]:
    """The sessions of a previous run of ``name`` with its survivors made pending again (they are
    tested anew; killed mutants stay killed: tests only ever get stronger), when the module is
    unchanged since; else an empty list."""
    shards = sorted(workdir.glob(f"{name}.[0-9]*.sqlite"))
    digest = workdir / f"{name}.sha256"
    if len(shards) != jobs or not digest.exists() or digest.read_text() != _digest(name):
        return []
    retest = _retest(workdir, name)  # survivors made pending, by job: their last result
    for shard in shards:
        with contextlib.closing(sqlite3.connect(shard)) as con, con:
            rows = con.execute("SELECT job_id, diff FROM work_results WHERE test_outcome = 'SURVIVED'")
            retest.update({job: {"diff": diff} for job, diff in rows.fetchall()})
            con.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'")
    (workdir / f"{name}.retest.json").write_text(json.dumps(retest))
    return shards


def _retest(workdir: Path, name: str) -> dict[str, dict]:
    path = workdir / f"{name}.retest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _digest(name: str) -> str:
    return hashlib.sha256(_repo_path(TARGETS[name][0]).read_bytes()).hexdigest()


def run_target(server: Server, copies: list[Path], workdir: Path, name: str,
               budget: float = math.inf, resume: bool = False) -> dict:
    """Init, filter, baseline, exec (one shard per copy, for at most ``budget`` seconds) and tally
    one target (``resume``: go on with the previous run's sessions when the module is unchanged)."""
    module = TARGETS[name][0]
    config = _config(workdir, name, module, server.path)
    session = workdir / f"{name}.sqlite"
    src = str(copies[0])
    shards = _resumable(workdir, name, len(copies)) if resume else []
    if not shards:
        subprocess.run([_tool("cosmic-ray"), "init", str(config), str(session)], cwd=src, check=True)
        subprocess.run([_tool("cr-filter-operators"), str(session), str(config)], cwd=src,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _skip_annotations(session, copies[0] / module)
        (workdir / f"{name}.sha256").write_text(_digest(name))
    base = server.run_stages(_args(name), copies[0])
    if base != 0:
        raise SystemExit(f"{name}: the unmutated tests fail (exit {base}); "
                         f"see {server.log(copies[0])}")
    start = time.perf_counter()
    served = server.served
    shards = shards or _shard(session, len(copies))
    procs = [subprocess.Popen([_tool("cosmic-ray"), "exec", str(config), str(shard)], cwd=copy)
             for shard, copy in zip(shards, copies, strict=True)]
    stopped = server.serve_while(procs, time.monotonic() + budget)
    for copy in copies:  # a stopped exec may leave its last mutant in place
        shutil.copy2(_repo_path(module), copy / module)
    if not stopped and any(p.returncode != 0 for p in procs):
        raise SystemExit(f"{name}: cosmic-ray exec failed ({[p.returncode for p in procs]})")
    seconds = time.perf_counter() - start
    (workdir / f"{name}.seconds").write_text(f"{seconds:.1f}\n")
    return tally(workdir, name, seconds, server.served - served)


def _repo_path(module: str) -> Path:
    """The repository file a module of the installed layout was copied from."""
    for folder, dest in sorted(LAYOUT.items(), key=lambda kv: -len(kv[1])):
        if module.startswith(f"{dest}/"):
            return REPO / folder / module.removeprefix(f"{dest}/")
    raise ValueError(module)


def tally(workdir: Path, name: str, seconds: float, served: int) -> dict:
    """The summary of a target from its sessions in ``workdir``."""
    dump = "".join(subprocess.run([_tool("cosmic-ray"), "dump", str(shard)], check=True,
                                  capture_output=True, text=True).stdout
                   for shard in sorted(workdir.glob(f"{name}.[0-9]*.sqlite")))
    return _tally(name, TARGETS[name][0], dump, seconds, served, _retest(workdir, name))


def _mutated_line(diff: str) -> str:
    minus = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    plus = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    return f"{' '.join(minus)}  →  {' '.join(plus)}"


def _tally(name: str, module: str, dump: str, seconds: float, served: int,
           retest: dict[str, dict] | None = None) -> dict:
    killed = survived = skipped = annotations = not_run = 0
    survivors: list[dict] = []
    infra: list[str] = []
    # Each copy's session lists every mutant: the ones its copy ran, the others' ("SHARD") and
    # the ones no copy runs (operator, annotation); one entry per mutant, a result first.
    entries: dict[str, tuple[dict, dict | None]] = {}
    for line in dump.splitlines():
        item, result = json.loads(line)
        held = entries.get(item["job_id"])
        if held is None or (held[1] or {}).get("output") == SHARD:
            entries[item["job_id"]] = (item, result)
    for item, found in entries.values():
        result = found
        if result is None and item["job_id"] in (retest or {}):
            # a survivor of an earlier pass that this one did not get to: still a survivor (else
            # a budgeted resume would drop exactly the survivors from the sample)
            result = {"worker_outcome": "normal", "test_outcome": "survived", "output": "",
                      **(retest or {})[item["job_id"]]}
        if result is None:
            not_run += 1  # the time budget ran out (cosmic-ray runs mutants in random order)
            continue
        if result["worker_outcome"] == "skipped":
            if result.get("output") == ANNOTATION:
                annotations += 1
            else:
                skipped += 1
            continue
        mutation = item["mutations"][0]
        output = result.get("output") or ""
        if "mutation server unreachable" in output or "the copy is not what gets imported" in output:
            infra.append(mutation["operator_name"])
        if result["test_outcome"] == "survived":
            survived += 1
            survivors.append({"line": mutation["start_pos"][0], "operator": mutation["operator_name"],
                              "occurrence": mutation["occurrence"],
                              "change": _mutated_line(result.get("diff") or "")})
        else:
            killed += 1
    if infra:
        raise SystemExit(f"{name}: {len(infra)} mutants met a server failure; the score would lie")
    survivors.sort(key=lambda s: (s["line"], s["operator"], s["occurrence"]))
    return {"target": name, "module": module, "killed": killed, "survived": survived,
            "total": killed + survived, "excluded": skipped, "annotations": annotations,
            "not_run": not_run,
            "seconds": round(seconds, 1), "served": served, "survivors": survivors}


def _total(results: list[dict]) -> dict:
    keys = ("killed", "total", "not_run", "excluded", "annotations", "seconds")
    return {"module": "**all**", **{k: sum(r[k] for r in results) for k in keys}}


def _score(r: dict) -> str:
    """Killed / run; when the time budget left mutants unrun, the run ones are a random sample
    (cosmic-ray's order): Wilson's 95% interval for the share killed of all of them."""
    k, n = r["killed"], r["total"]
    if n == 0:
        return "n/a"
    text = f"{100.0 * k / n:.1f}%"
    if r["not_run"]:
        z, p = 1.96, k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        text += f" ({100 * (centre - half):.0f}–{100 * (centre + half):.0f}%)"
    return text


def report(results: list[dict], load: tuple[float, float, float], workdir: Path) -> str:
    lines = ["| module | killed | run | score (95% interval when sampled) | left: budget, operator, "
             "annotation | time |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in [*results, _total(results)]:
        lines.append(f"| {r['module']} | {r['killed']} | {r['total']} | {_score(r)} | "
                     f"{r['not_run']}, {r['excluded']}, {r['annotations']} | "
                     f"{r['seconds'] / 60:.1f} min |")
    lines.append(f"\nload average at the start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
                 f"({os.cpu_count()} cores)\n")
    for r in results:
        if r["survivors"]:
            lines.append(f"Survivors in {r['module']}:")
            lines.extend(f"- line {s['line']} {s['operator'].removeprefix('core/')}: {s['change']}"
                         for s in r["survivors"])
            lines.append("")
    text = "\n".join(lines)
    (workdir / "report.md").write_text(text + "\n")
    (workdir / "report.json").write_text(json.dumps(results, indent=1))
    return text


def _seconds(workdir: Path, name: str) -> float:
    path = workdir / f"{name}.seconds"
    return float(path.read_text()) if path.exists() else 0.0


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--client":
        rest = sys.argv[3:]
        return client(sys.argv[2], rest[1:] if rest[:1] == ["--"] else rest)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", action="append", choices=sorted(TARGETS),
                        help="a module to mutate (repeatable; default: all)")
    parser.add_argument("--workdir", type=Path, default=REPO / ".mutation",
                        help="where the copies, sessions and report go (wiped first unless --resume)")
    parser.add_argument("--jobs", type=int, default=2,
                        help="mutants tested side by side, each in its own copy (default 2)")
    parser.add_argument("--budget", type=float, default=math.inf, metavar="MINUTES",
                        help="stop a target after this long and score the random sample it ran")
    parser.add_argument("--resume", action="store_true",
                        help="go on with the sessions in --workdir: unrun mutants and survivors")
    parser.add_argument("--tally", action="store_true",
                        help="only report the sessions already in --workdir")
    opts = parser.parse_args()
    targets = opts.target or list(TARGETS)
    if opts.tally:
        workdir = opts.workdir.resolve()
        results = [tally(workdir, name, _seconds(workdir, name), 0) for name in targets
                   if (workdir / f"{name}.sqlite").exists()]
        print(report(results, os.getloadavg(), workdir))
        return 0
    if shutil.which("cosmic-ray", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("cosmic-ray is not installed: pip install -e '.[mutation]'")
    workdir = opts.workdir.resolve()
    copies = prepare(workdir, opts.jobs, opts.resume)
    load = os.getloadavg()
    server = Server(copies[0], workdir)
    try:
        results = [run_target(server, copies, workdir, name, 60.0 * opts.budget, opts.resume)
                   for name in targets]
    finally:
        server.close()
    print(report(results, load, workdir))
    all_ = _total(results)
    print(f"mutation score: {all_['killed']}/{all_['total']} killed ({_score(all_)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
