# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Headless Chromium from Debian (/usr/bin/chromium) driven by Playwright, for pages opened from file:// only.

No browser is ever downloaded: a missing Chromium or Playwright is an error that says how to install it. Every
request the page makes is routed through ``Browser.requests``; anything but file:// is aborted and recorded."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


class BrowserMissing(RuntimeError):
    pass


@dataclass
class Browser:
    context: Any  # playwright's BrowserContext, imported only when Chromium is there
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str, width: int = 1400, height: int = 1000):
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(f"file://{path}")
        return page


def _route(browser: Browser):
    def handle(route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            browser.blocked.append(url)
            route.abort()
    return handle


@contextmanager
def chromium() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        raise BrowserMissing(f"{CHROMIUM} is missing: install Debian's package (apt-get install chromium); "
                             "the browser tests never download a browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserMissing("the Python package playwright is missing: make setup installs it "
                             "(tests/requirements.txt)") from None
    profile = tempfile.mkdtemp(prefix="tlsguard-chromium-")
    try:
        with sync_playwright() as driver:
            context = driver.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                                args=ARGS, service_workers="block")
            browser = Browser(context)
            context.route("**/*", _route(browser))
            try:
                yield browser
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
