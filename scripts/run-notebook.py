#!/usr/bin/python3
"""Runs a Jupyter notebook through a real kernel (Deno's or tslab's) and records what it sends.

    /usr/bin/python3 scripts/run-notebook.py examples/notebooks/iris.deno.ipynb

Starts the kernel with jupyter_client (from a kernelspec written to a temporary folder, so nothing
is installed in the user's home), executes every code cell in order and collects every IOPub
message of each cell with its arrival time. After a cell's execute_reply and its `status: idle`,
IOPub is read on until it has been quiet for --quiet seconds (bounded by --linger), because Deno's
kernel can send a cell's outputs after idle. Outputs are applied as a front end applies them
(`update_display_data` replaces every earlier output with the same `transient.display_id`) and
written into the notebook, saved (nbformat 4) to <out-dir>/<name>.ipynb, with a JSON report of
each cell beside it (<name>.report.json) and the kernel's own stdout and stderr (<name>.kernel.log).

Exits 1 when a cell fails (its traceback is printed), 2 when the kernel does not start, dies, or
a cell runs past --timeout.
"""

import argparse
import copy
import glob
import json
import os
import platform
import queue
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_deno():
    """The Deno binary: $DENO, the one the `deno` npm package installed, or `deno` on PATH."""
    if os.environ.get("DENO"):
        return os.environ["DENO"]
    candidates = [os.path.join(ROOT, "node_modules", "deno", "deno")]
    machine = {"x86_64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), "")
    candidates += sorted(glob.glob(os.path.join(ROOT, "node_modules", "@deno", f"linux-{machine}-*", "deno")))
    candidates += sorted(glob.glob(os.path.join(ROOT, "node_modules", "@deno", "*", "deno")))
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return shutil.which("deno")


def find_tslab():
    """tslab's command line: $TSLAB, the repository's node_modules/.bin/tslab, or `tslab` on PATH."""
    if os.environ.get("TSLAB"):
        return os.environ["TSLAB"]
    local = os.path.join(ROOT, "node_modules", ".bin", "tslab")
    return local if os.access(local, os.X_OK) else shutil.which("tslab")


def kernel_argv(kind):
    """The kernel's command line with jupyter_client's {connection_file} placeholder."""
    if kind == "deno":
        deno = find_deno()
        if deno is None:
            raise SystemExit("run-notebook: no Deno binary (npm ci installs one under node_modules)")
        return [deno, "jupyter", "--kernel", "--conn", "{connection_file}"]
    if kind == "tslab":
        tslab = find_tslab()
        if tslab is None:
            raise SystemExit("run-notebook: no tslab (npm ci installs it under node_modules)")
        return [tslab, "kernel", "--config-path", "{connection_file}"]
    raise SystemExit(f"run-notebook: unknown kernel {kind!r} (deno or tslab)")


def kernel_kind(path, notebook, requested):
    """The kernel to use: --kernel, else the file name (*.deno.ipynb, *.tslab.ipynb), else metadata."""
    if requested:
        return requested
    name = os.path.basename(path)
    for kind in ("deno", "tslab"):
        if name.endswith(f".{kind}.ipynb"):
            return kind
    spec = notebook.get("metadata", {}).get("kernelspec", {}).get("name", "")
    return "tslab" if spec in ("tslab", "jslab") else spec


def source_text(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


class Outputs:
    """A cell's outputs as a front end keeps them, plus every output that has a display id."""

    def __init__(self):
        self.by_display_id = {}

    def add(self, cell, cell_index, msg_type, content, execution_count=None):
        outputs = cell["outputs"]
        if msg_type == "stream":
            last = outputs[-1] if outputs else None
            if last is not None and last["output_type"] == "stream" and last["name"] == content["name"]:
                last["text"] += content["text"]
            else:
                outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
        elif msg_type in ("display_data", "execute_result"):
            out = {"output_type": msg_type, "data": content.get("data", {}), "metadata": content.get("metadata", {})}
            if msg_type == "execute_result":
                out["execution_count"] = content.get("execution_count", execution_count)
            outputs.append(out)
            display_id = (content.get("transient") or {}).get("display_id")
            if display_id:
                self.by_display_id.setdefault(display_id, []).append((cell_index, out))
        elif msg_type == "error":
            outputs.append(
                {
                    "output_type": "error",
                    "ename": content.get("ename", ""),
                    "evalue": content.get("evalue", ""),
                    "traceback": content.get("traceback", []),
                }
            )
        elif msg_type == "update_display_data":
            display_id = (content.get("transient") or {}).get("display_id")
            for _, out in self.by_display_id.get(display_id, []):
                out["data"] = content.get("data", {})
                out["metadata"] = content.get("metadata", {})
        elif msg_type == "clear_output":
            # `wait` would defer the clearing to the next output; clearing now ends the same way.
            for out in outputs:
                for ids in self.by_display_id.values():
                    ids[:] = [ref for ref in ids if ref[1] is not out]
            outputs.clear()


def mime_types(outputs):
    types = []
    for out in outputs:
        if out["output_type"] == "stream":
            types.append(f"stream:{out['name']}")
        elif out["output_type"] == "error":
            types.append("error")
        else:
            types.extend(t for t in out["data"] if t not in types)
    return types


class KernelFailure(Exception):
    """The kernel died, or a cell ran past its time limit."""


def run_cell(km, kc, cell, index, outputs, args):
    """Executes one cell; returns its report entry."""
    source = source_text(cell)
    cell["outputs"] = []
    start = time.monotonic()
    msg_id = kc.execute(source, store_history=True, allow_stdin=False)
    messages = []
    reply = None
    reply_at = None
    reply_sent = None
    idle_at = None
    last_msg_at = start
    deadline = start + args.timeout
    while True:
        now = time.monotonic()
        if reply is not None and idle_at is not None:
            quiet_for = now - last_msg_at
            if quiet_for >= args.quiet or now - max(reply_at, idle_at) >= args.linger:
                break
        if now > deadline:
            km.interrupt_kernel()
            raise KernelFailure(f"cell {index} did not finish within {args.timeout} s")
        if reply is None and not km.is_alive():
            raise KernelFailure(f"the kernel died while running cell {index}")
        got = False
        try:
            msg = kc.get_iopub_msg(timeout=0.02)
            got = True
        except queue.Empty:
            msg = None
        if msg is not None:
            arrived = time.monotonic()
            if msg["parent_header"].get("msg_id") == msg_id:
                last_msg_at = arrived
                msg_type = msg["msg_type"]
                content = msg["content"]
                messages.append(
                    {
                        "type": msg_type,
                        "t": round(arrived - start, 4),
                        "sent": kernel_time(msg),
                        "after_reply": reply is not None,
                        "after_idle": idle_at is not None,
                        "display_id": (content.get("transient") or {}).get("display_id"),
                        "state": content.get("execution_state"),
                    }
                )
                if msg_type == "status" and content.get("execution_state") == "idle":
                    idle_at = arrived
                elif msg_type not in ("status", "execute_input"):
                    outputs.add(cell, index, msg_type, content)
        # Read the shell only when IOPub has nothing queued, so every IOPub message the kernel sent
        # before its reply is read (and counted) before the reply.
        if not got and reply is None:
            try:
                shell = kc.get_shell_msg(timeout=0)
            except queue.Empty:
                shell = None
            if shell is not None and shell["parent_header"].get("msg_id") == msg_id:
                reply = shell["content"]
                reply_at = time.monotonic()
                reply_sent = kernel_time(shell)
                messages.append(
                    {"type": "execute_reply", "t": round(reply_at - start, 4), "sent": reply_sent, "status": reply.get("status")}
                )
    duration = time.monotonic() - start
    if reply.get("execution_count") is not None:
        cell["execution_count"] = reply["execution_count"]
        for out in cell["outputs"]:
            if out["output_type"] == "execute_result" and out.get("execution_count") is None:
                out["execution_count"] = reply["execution_count"]

    # Before or after the execute_reply: IOPub and shell are separate sockets, so by the kernel's
    # own send times (header.date) when they are send times. tslab dates its reply when the request
    # arrives (it makes the reply first, sends it last, then idle): then a message counts as after
    # the reply when it was read after it or came after the idle status on IOPub.
    busy_sent = messages[0].get("sent") if messages else None
    dated_at_request = (
        reply_sent is not None
        and busy_sent is not None
        and reply_sent - busy_sent < 0.05
        and reply_at - start > 0.25
    )
    use_dates = reply_sent is not None and not dated_at_request
    updates = {}
    for m in messages:
        if m["type"] in ("display_data", "update_display_data") and m.get("display_id"):
            u = updates.setdefault(
                m["display_id"],
                {"display_data": 0, "before_reply": 0, "after_reply": 0, "after_idle": 0, "update_times_s": []},
            )
            if m["type"] == "display_data":
                u["display_data"] += 1
                continue
            if use_dates and m["sent"] is not None:
                after = m["sent"] > reply_sent
            else:
                after = m["after_reply"] or m["after_idle"]
            u["after_reply" if after else "before_reply"] += 1
            if m["after_idle"]:
                u["after_idle"] += 1
            u["update_times_s"].append(m["t"])
    errors = [
        {"ename": o["ename"], "evalue": o["evalue"], "traceback": o["traceback"]}
        for o in cell["outputs"]
        if o["output_type"] == "error"
    ]
    if reply.get("status") == "error" and not errors:
        errors.append(
            {"ename": reply.get("ename", ""), "evalue": reply.get("evalue", ""), "traceback": reply.get("traceback", [])}
        )
    outputs_after_idle = [m["type"] for m in messages if m.get("after_idle") and m["type"] != "status"]
    return {
        "index": index,
        "tags": cell.get("metadata", {}).get("tags", []),
        "status": reply.get("status"),
        "duration_s": round(duration, 3),
        "reply_at_s": round(reply_at - start, 3),
        "reply_order": "kernel header.date" if use_dates else "arrival; after idle is after the reply",
        "idle_at_s": round(idle_at - start, 3),
        "mime_types": mime_types(cell["outputs"]),
        "message_counts": count_types(messages),
        "updates": updates,
        "messages_after_idle": outputs_after_idle,
        # Every message of the cell in arrival order: type, seconds since the execute_request,
        # whether it came after the reply or idle (as read here), display id, kernel send time.
        "messages": messages,
        "errors": errors,
    }


def kernel_time(msg):
    """The kernel's send time of a message (header.date) as a POSIX timestamp, if it has one."""
    date = msg.get("header", {}).get("date")
    if date is None:
        return None
    if isinstance(date, str):
        from jupyter_client.jsonutil import parse_date

        date = parse_date(date)
    try:
        return date.timestamp()
    except (AttributeError, ValueError, OverflowError):
        return None


def count_types(messages):
    counts = {}
    for m in messages:
        counts[m["type"]] = counts.get(m["type"], 0) + 1
    return counts


def final_displays(notebook, outputs):
    """Per display id: where its output is and the MIME types it ends with."""
    result = {}
    for display_id, refs in outputs.by_display_id.items():
        for cell_index, out in refs:
            cell_outputs = notebook["cells"][cell_index]["outputs"]
            index = next(i for i, o in enumerate(cell_outputs) if o is out)
            result[display_id] = {"cell": cell_index, "output": index, "mime_types": list(out["data"])}
    return result


def validate(path):
    """Checks the saved notebook against nbformat's schema when nbformat is installed (else None)."""
    try:
        import nbformat
    except ImportError:
        return None
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
        return True
    except nbformat.ValidationError as e:
        print(f"run-notebook: {path} is not valid nbformat 4: {e}", file=sys.stderr)
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("--kernel", choices=["deno", "tslab"], help="default: from the file name")
    parser.add_argument("--out-dir", default=os.path.join(ROOT, "out", "notebooks"))
    parser.add_argument("--cwd", default=None, help="the kernel's working directory (default: the notebook's)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per cell")
    parser.add_argument("--quiet", type=float, default=1.0, help="IOPub silence that ends a cell")
    parser.add_argument("--linger", type=float, default=10.0, help="most seconds to wait after reply and idle")
    args = parser.parse_args()

    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    with open(args.notebook, encoding="utf-8") as f:
        notebook = json.load(f)
    kind = kernel_kind(args.notebook, notebook, args.kernel)
    argv = kernel_argv(kind)
    name = os.path.basename(args.notebook)[: -len(".ipynb")]
    os.makedirs(args.out_dir, exist_ok=True)
    cwd = os.path.abspath(args.cwd or os.path.dirname(os.path.abspath(args.notebook)))

    spec_dir = tempfile.mkdtemp(prefix="dendrite-kernels-")
    log_path = os.path.join(args.out_dir, f"{name}.kernel.log")
    report = {"notebook": args.notebook, "kernel": kind, "argv": argv, "cwd": cwd, "cells": []}
    failed = False
    try:
        os.makedirs(os.path.join(spec_dir, kind))
        language = "typescript"
        with open(os.path.join(spec_dir, kind, "kernel.json"), "w", encoding="utf-8") as f:
            json.dump({"argv": argv, "display_name": kind, "language": language}, f)
        km = KernelManager(kernel_name=kind, kernel_spec_manager=KernelSpecManager(kernel_dirs=[spec_dir]))
        with open(log_path, "w", encoding="utf-8") as log:
            started = time.monotonic()
            km.start_kernel(cwd=cwd, stdout=log, stderr=log)
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=120)
                report["startup_s"] = round(time.monotonic() - started, 3)
                info = kc.kernel_info(reply=True, timeout=30)["content"]
                report["kernel_info"] = {
                    "implementation": info.get("implementation"),
                    "implementation_version": info.get("implementation_version"),
                    "language_info": info.get("language_info", {}).get("name"),
                    "protocol_version": info.get("protocol_version"),
                }
                outputs = Outputs()
                for index, cell in enumerate(notebook["cells"]):
                    if cell["cell_type"] != "code":
                        continue
                    entry = run_cell(km, kc, cell, index, outputs, args)
                    report["cells"].append(entry)
                    print(
                        f"cell {index:2d} {entry['status']:5s} {entry['duration_s']:7.2f} s  "
                        f"{', '.join(entry['mime_types']) or '-'}",
                        flush=True,
                    )
                    if entry["errors"]:
                        for err in entry["errors"]:
                            print(f"{err['ename']}: {err['evalue']}", file=sys.stderr)
                            print("\n".join(err["traceback"]), file=sys.stderr)
                        # tslab reports a failed cell with an empty error and the stack on stderr.
                        for out in cell["outputs"]:
                            if out["output_type"] == "stream" and out["name"] == "stderr":
                                print(out["text"], file=sys.stderr, end="")
                        failed = True
                        break
                report["displays"] = final_displays(notebook, outputs)
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=False)
    except (KernelFailure, RuntimeError) as e:
        # RuntimeError: jupyter_client's "Kernel didn't respond" / "Kernel died before replying".
        print(f"run-notebook: {e} (the kernel's output: {log_path})", file=sys.stderr)
        report["kernel_failure"] = str(e)
        failed = True
        code = 2
    else:
        code = 1 if failed else 0
    finally:
        shutil.rmtree(spec_dir, ignore_errors=True)

    executed = copy.deepcopy(notebook)
    executed.setdefault("metadata", {})
    executed["nbformat"], executed["nbformat_minor"] = 4, max(notebook.get("nbformat_minor", 5), 5)
    out_path = os.path.join(args.out_dir, f"{name}.ipynb")
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(executed, f, indent=1, ensure_ascii=False)
        f.write("\n")
    report["executed"] = out_path
    report["nbformat_valid"] = validate(out_path)
    report["failed"] = failed
    with open(os.path.join(args.out_dir, f"{name}.report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    print(f"wrote {out_path} and {name}.report.json")
    sys.exit(code)


if __name__ == "__main__":
    main()
