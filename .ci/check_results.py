"""Fail when a JUnit report ran no test, skipped a browser test or ran none of them."""

import sys
import xml.etree.ElementTree as ET  # noqa: S405 - our own pytest reports


def check(path: str) -> list[str]:
    problems = []
    root = ET.parse(path).getroot()  # noqa: S314
    cases = list(root.iter("testcase"))
    if not cases:
        return [f"{path}: no test ran"]
    browser = [c for c in cases if ".e2e." in c.get("classname", "") or "e2e" in c.get("file", "")]
    skipped_browser = [c for c in browser if c.find("skipped") is not None]
    if not browser:
        problems.append(f"{path}: no browser test ran")
    for case in skipped_browser:
        problems.append(f"{path}: browser test skipped: {case.get('classname')}.{case.get('name')}")
    passed = sum(
        1
        for c in cases
        if c.find("skipped") is None and c.find("failure") is None and c.find("error") is None
    )
    print(f"{path}: {len(cases)} tests, {passed} passed, {len(browser)} in the browser")
    return problems


problems = [problem for path in sys.argv[1:] for problem in check(path)]
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
