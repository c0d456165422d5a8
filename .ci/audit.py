"""Read pip-audit's JSON report; fail on a known vulnerability; say what was audited.

pip-audit asks PyPI's vulnerability API for each installed version
(``/pypi/<name>/<version>/json``). Where that API cannot be reached it skips
every package and still prints "No known vulnerabilities found". Then each
skipped package is looked up on its project page (``/pypi/<name>/json``),
which lists the known vulnerabilities of the newest release: a package whose
installed version is the newest is audited that way; any other is reported
as not audited, by name.

Usage: pip-audit --format json | python .ci/audit.py PIP_AUDIT_EXIT_STATUS
"""

import json
import sys
import urllib.request
from importlib import metadata

PROJECT_PAGE = "https://pypi.org/pypi/{}/json"


def newest_release_vulnerabilities(name, version):
    """The known vulnerabilities of ``name`` at ``version``, or None if that cannot be told."""
    try:
        with urllib.request.urlopen(PROJECT_PAGE.format(name), timeout=15) as answer:
            page = json.load(answer)
    except (OSError, ValueError):
        return None
    if page.get("info", {}).get("version") != version:
        return None
    return [v["id"] for v in page.get("vulnerabilities") or [] if not v.get("withdrawn")]


def main(status):
    try:
        dependencies = json.load(sys.stdin)["dependencies"]
    except ValueError:
        sys.exit(f"pip-audit failed (exit status {status}) and reported nothing")
    found = [
        f"{d['name']} {d['version']}: {v['id']}" for d in dependencies for v in d.get("vulns", [])
    ]
    # Voces itself (installed editable) is not a dependency to audit.
    dependencies = [d for d in dependencies if "editable" not in d.get("skip_reason", "")]
    audited = sum("skip_reason" not in d for d in dependencies)
    unaudited = []
    for dependency in dependencies:
        if "skip_reason" not in dependency:
            continue
        name = dependency["name"]
        version = metadata.version(name)  # a skipped package's report leaves its version out
        known = newest_release_vulnerabilities(name, version)
        if known is None:
            unaudited.append(f"{name} {version}")
            continue
        audited += 1
        found += [f"{name} {version}: {v}" for v in known]
    if found or status != "0":
        sys.exit("\n".join(found) + f"\npip-audit: {len(found)} known vulnerabilities")
    print(f"No known vulnerabilities in {audited} of {len(dependencies)} packages")
    if unaudited:
        print(
            "NOT AUDITED (not the newest release, or its page unreachable): " + ", ".join(unaudited)
        )


if __name__ == "__main__":
    main(sys.argv[1])
