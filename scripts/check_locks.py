"""The two locks agree: `make lint` fails otherwise (no network, standard library only).

requirements.lock (with the dev group) is what `make run` and `make test`
install; requirements-prod.lock (without it) is what the Docker image
installs. They must pin every package they share at the same version (what is
tested is what ships), the production lock must hold no test or lint tool, and
each must pin every dependency pyproject.toml declares for it (a dependency
added without regenerating a lock). How to regenerate them: README.md, end.
"""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_LOCK = ROOT / "requirements.lock"
PROD_LOCK = ROOT / "requirements-prod.lock"
# Never in the image, whatever pyproject.toml's dev group says (it adds to these).
DEV_ONLY = {
    "pytest",
    "moto",
    "playwright",
    "schemathesis",
    "hypothesis",
    "ruff",
    "factory-boy",
    "import-linter",
    "axe-playwright-python",
}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalise(re.split(r"[\s\[<>=!~;@]", requirement.strip(), maxsplit=1)[0])


def pins(lock: Path) -> dict[str, str]:
    found = {}
    for number, line in enumerate(lock.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;]+)(\s*;.*)?", line)
        if not match:
            sys.exit(f"{lock.name}:{number}: not an exact pin: {line}")
        found[normalise(match.group(1))] = match.group(3)
    return found


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    prod_declared = {requirement_name(r) for r in project["project"]["dependencies"]}
    dev_declared = {requirement_name(r) for r in project["dependency-groups"]["dev"] if isinstance(r, str)}
    dev, prod = pins(DEV_LOCK), pins(PROD_LOCK)
    problems = [
        f"{name}: {DEV_LOCK.name} pins {dev[name]}, {PROD_LOCK.name} pins {prod[name]}"
        for name in sorted(dev.keys() & prod.keys())
        if dev[name] != prod[name]
    ]
    problems += [
        f"{name}: a test or lint tool in {PROD_LOCK.name}" for name in sorted(prod.keys() & (DEV_ONLY | dev_declared))
    ]
    problems += [f"{name}: in {PROD_LOCK.name}, not in {DEV_LOCK.name}" for name in sorted(prod.keys() - dev.keys())]
    problems += [
        f"{name}: declared in pyproject.toml, not pinned in {PROD_LOCK.name}"
        for name in sorted(prod_declared - prod.keys())
    ]
    problems += [
        f"{name}: declared in pyproject.toml, not pinned in {DEV_LOCK.name}"
        for name in sorted((prod_declared | dev_declared) - dev.keys())
    ]
    if problems:
        print("The locks disagree (regenerate them as README.md says):", *problems, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
