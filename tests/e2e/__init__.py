"""Browser (end-to-end) tests: real Chromium, driven by Playwright, against live_server."""
