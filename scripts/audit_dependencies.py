#!/usr/bin/env python3
"""Audit the pinned dependencies (the lock files) for known vulnerabilities with pip-audit.

Exit 1 when a pinned package has a known vulnerability (upgrade the pin in pyproject.toml,
then ``make lock``). pip-audit asks PyPI's vulnerability data per release; when that service
cannot be reached (a machine that only sees a package mirror), every package comes back
"not audited". That is reported loudly and fails only with ``--strict`` (or AUDIT_STRICT=1),
so that CI on such a machine does not fail for a reason the code cannot change, while a
machine with the service still fails on every known vulnerability.

Usage: scripts/audit_dependencies.py [--strict] [LOCKFILE ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOCKS = ["requirements.lock", "requirements-dev.lock"]


def summarise(report: dict) -> tuple[list[str], list[str], int]:
    """(vulnerabilities as lines, packages not audited, packages audited) of a pip-audit JSON."""
    found, skipped, audited = [], [], 0
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            skipped.append(dep["name"])
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            found.append(f"{dep['name']}=={dep['version']}: {vuln['id']} (fixed in: {fixes})")
    return found, skipped, audited


def audit(lock: Path) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "-r",
            str(lock),
            "--require-hashes",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "-f",
            "json",
            "-o",
            out.name,
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode not in (0, 1):
            sys.stderr.write(result.stderr)
            raise SystemExit(f"pip-audit failed on {lock.name} (exit {result.returncode})")
        return json.loads(Path(out.name).read_text() or "{}")


def main(argv: list[str]) -> int:
    strict = "--strict" in argv or os.environ.get("AUDIT_STRICT") == "1"
    locks = [a for a in argv if not a.startswith("--")] or DEFAULT_LOCKS
    status = 0
    for name in locks:
        found, skipped, audited = summarise(audit(ROOT / name))
        print(f"{name}: {audited} packages audited, {len(skipped)} not audited")
        for line in found:
            print(f"  VULNERABLE {line}")
        if found:
            status = 1
        if skipped and not audited:
            print(
                f"  WARNING: nothing in {name} could be audited: the vulnerability service is "
                "not reachable from this machine."
            )
            if strict:
                status = 1
        elif skipped and strict:
            print(f"  not audited: {', '.join(skipped)}")
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
