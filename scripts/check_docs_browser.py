#!/usr/bin/env python3
"""Open every rendered docs page in headless Chromium and check that it renders with its figures.

The check drives Debian's `chromium` through the Chrome DevTools Protocol (CDP) over `--remote-debugging-pipe`,
so it needs no Python package beyond the standard library and opens no network port. For each `*.html` page under
the docs folder (subfolders included) it waits for the load event, then fails the page when:

- the page has no `<title>` or no `<h1>` with text;
- a script throws an uncaught exception;
- an `<img>` did not load (`naturalWidth == 0`, `data:` URIs included), or its `src` names a local file that does
  not exist;
- Quarto-only markup such as `{target="_blank"}` or `::: {.callout-warning}` shows as text outside code blocks;
- text outside code blocks still shows TeX source (`$...$` with no space just inside the dollars, or `$$...$$`)
  after MathJax has finished typesetting, for example because the page loads MathJax from a CDN instead of
  `_docs/mathjax/`;
- MathJax did not finish typesetting within the load timeout, or rendered a formula as an error;
- a `file:` request failed, for example a MathJax file that the build did not copy;
- the full-page screenshot is a single flat color.

Every request that is not `file:`, `data:` or `about:` is blocked, so the check sends no traffic off the machine.
The blocked URLs (the CDN copy of require.js that nbconvert pages link) are counted in the summary. The "math" column counts the formulas MathJax typeset on the page.
A full-page PNG screenshot of each page goes to `--screenshots` (default `<docs>/_screenshots`).

With `--install-missing` the script installs the `chromium` package through apt-get when no browser is found. Set
DOCS_BROWSER_CHECK=0 to skip the whole check on purpose. Exit status: 0 when every page passes, 1 when a page
fails, 2 when the browser cannot be found, installed or started.
"""
from __future__ import annotations

import argparse
import base64
import fcntl
import io
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
VIEWPORT = (1280, 800)  # CSS pixels; the screenshot keeps this width and grows to the page height
# Bounds the memory of one capture (1280 x 40000 RGBA pixels is about 200 MB before PNG compression). A longer page
# is captured down to this height and marked as cropped in the summary. Headless Chromium 156 captured a 40000 px
# page whole with software rendering, so the limit is ours, not the browser's.
MAX_SCREENSHOT_HEIGHT = 40000
BLOCKED_URL_PATTERNS = ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]

# Runs in the page: wait (bounded) for every <img> to finish, then report the title, headings and image states.
PAGE_PROBE_JS = r"""
(async (timeoutMs) => {
  // Inline math as pandoc reads it (no space inside the dollars, so "$5 and $10" is not math) or display math.
  const RAW_TEX = /\$\$[^$]+\$\$|\$[^\s$][^$\n]*?(?<!\s)\$/;
  const QUARTO_MARKUP = /\{(?:target|style|\.[a-z][\w-]*|#[a-z][\w-]*)[=\s}][^}\n]*\}?|^\s*:::.*$/m;
  const pending = [...document.images].filter(img => !img.complete).map(img => new Promise(resolve => {
    img.addEventListener("load", resolve, {once: true});
    img.addEventListener("error", resolve, {once: true});
  }));
  const timedOut = await Promise.race([
    Promise.all(pending).then(() => false),
    new Promise(resolve => setTimeout(() => resolve(true), timeoutMs)),
  ]);
  // MathJax 2 typesets after the load event. Its startup posts "End" after the first typeset pass, and a callback
  // queued after that runs once any typesetting the page queued itself is done. The wait polls a flag: in headless
  // Chromium 156 a promise resolved by that callback alone did not settle within 60 s, while polling did.
  const hub = window.MathJax && window.MathJax.Hub;
  let mathTimedOut = false;
  if (hub) {
    const deadline = Date.now() + timeoutMs;
    const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
    while (!hub.Startup.signal.posted.includes("End") && Date.now() < deadline) await sleep(100);
    let queueDone = false;
    hub.Queue(() => { queueDone = true; });
    while (!queueDone && Date.now() < deadline) await sleep(100);
    mathTimedOut = !queueDone;
  }
  const mathErrors = [...document.querySelectorAll(".MathJax_Error, .merror, .noError")]
    .map(el => el.textContent.trim().slice(0, 80));
  if (document.body.textContent.includes("[Math Processing Error]")) mathErrors.push("[Math Processing Error]");
  // Quarto-only markup (attribute blocks, ::: divs) that a renderer without Quarto prints as text. Text in code
  // blocks is skipped, because code may contain the same characters.
  const quartoMarkup = new Set();
  let rawTexCount = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("pre, code, script, style")) continue;
    const match = node.textContent.match(QUARTO_MARKUP);
    if (match && quartoMarkup.size < 5) quartoMarkup.add(match[0].trim());
    if (RAW_TEX.test(node.textContent)) rawTexCount += 1;
  }
  return {
    title: document.title.trim(),
    quartoMarkup: [...quartoMarkup],
    rawTexCount: rawTexCount,
    mathjaxLoaded: Boolean(hub),
    mathTimedOut: mathTimedOut,
    mathCount: hub && !mathTimedOut ? hub.getAllJax().length : 0,
    mathErrors: mathErrors.slice(0, 5),
    h1: [...document.querySelectorAll("h1")].map(h => h.textContent.trim()).filter(Boolean),
    svgCount: document.querySelectorAll("svg").length,
    imagesTimedOut: timedOut,
    images: [...document.images].map(img => ({
      src: img.getAttribute("src") || "",
      url: img.currentSrc || img.src,
      complete: img.complete,
      naturalWidth: img.naturalWidth,
      naturalHeight: img.naturalHeight,
    })),
  };
})
"""


class BrowserError(RuntimeError):
    """The browser could not be found, installed, started or driven."""


# ----------------------------------------------------------------------------------------------------------------
# Finding and installing the browser


def find_browser(explicit: str | None) -> str | None:
    """Return the path of a Chromium executable: `explicit`, $CHROMIUM, or the first known name on PATH."""
    for name in (explicit, os.environ.get("CHROMIUM"), *BROWSER_NAMES):
        if name and (path := shutil.which(name)):
            return path
    return None


def install_chromium(timeout_s: float) -> None:
    """Install Debian's `chromium` package with apt-get, raising BrowserError with apt's own message on failure."""
    if shutil.which("apt-get") is None:
        raise BrowserError("chromium is not installed and apt-get was not found: install Chromium (or Chrome) and "
                           "pass --browser PATH, or set DOCS_BROWSER_CHECK=0 to skip the browser check")
    if os.geteuid() != 0:
        raise BrowserError("chromium is not installed and apt-get needs root: run `sudo apt-get install -y chromium`, "
                           "or set DOCS_BROWSER_CHECK=0 to skip the browser check")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Recommended packages are installed too, because in Debian 12 they bring fonts-liberation for page text.
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        print(f"docs browser check: running {' '.join(command)}", flush=True)
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise BrowserError(f"`{' '.join(command)}` timed out after {timeout_s:.0f} s") from None
        if result.returncode != 0:
            tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-3:]
            raise BrowserError(f"`{' '.join(command)}` failed with exit status {result.returncode}: "
                               + " | ".join(tail))


# ----------------------------------------------------------------------------------------------------------------
# A minimal CDP client over --remote-debugging-pipe: Chromium reads NUL-terminated JSON messages on fd 3 and
# writes its replies and events on fd 4.


class CdpPipe:
    """One Chromium process and its CDP connection. Use as a context manager so the process is always ended."""

    def __init__(self, executable: str, command_timeout_s: float = 30.0):
        self.command_timeout_s = command_timeout_s
        self.profile_dir = tempfile.TemporaryDirectory(prefix="docs-browser-")
        self.stderr_path = Path(self.profile_dir.name) / "chromium-stderr.log"
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        self.events: list[dict] = []  # events received while waiting for a reply, consumed by wait_for_event
        args = [
            executable, "--headless=new", "--remote-debugging-pipe", f"--user-data-dir={self.profile_dir.name}",
            "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
            # Keep Chromium from slowing the timers of a tab it treats as hidden, because MathJax typesets on timers.
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows",
            # No host name resolves, so nothing leaves the machine even before the CDP URL block is in place.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}", "about:blank",
        ]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to start as root with its sandbox on
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()

        def move_pipes_to_fd_3_and_4():
            # Copy to fds >= 10 first, so that a pipe already sitting on fd 3 or 4 is not overwritten.
            read_high = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
            write_high = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(read_high, 3)
            os.dup2(write_high, 4)

        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
                                            pass_fds=(3, 4), preexec_fn=move_pipes_to_fd_3_and_4,
                                            start_new_session=True)
        os.close(to_browser_read)
        os.close(from_browser_write)
        threading.Thread(target=self._read_messages, daemon=True).start()

    def _read_messages(self) -> None:
        buffer = b""
        with open(self.from_browser, "rb", buffering=0) as pipe:
            while chunk := pipe.read(1 << 16):
                buffer += chunk
                *complete, buffer = buffer.split(b"\0")
                for message in complete:
                    self.messages.put(json.loads(message))
        self.messages.put(None)  # the browser closed the pipe

    def _next_message(self, deadline: float) -> dict:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        try:
            message = self.messages.get(timeout=remaining)
        except queue.Empty:
            raise TimeoutError from None
        if message is None:
            raise BrowserError(f"chromium exited (status {self.process.poll()}): {self.stderr_tail()}")
        return message

    def send(self, method: str, params: dict | None = None, session_id: str | None = None,
             timeout_s: float | None = None) -> dict:
        """Send one CDP command and return its result; events that arrive meanwhile are kept for wait_for_event."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        try:
            os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise BrowserError(f"chromium exited (status {self.process.poll()}): {self.stderr_tail()}") from None
        deadline = time.monotonic() + (timeout_s or self.command_timeout_s)
        while True:
            try:
                reply = self._next_message(deadline)
            except TimeoutError:
                raise BrowserError(f"CDP command {method} timed out after {timeout_s or self.command_timeout_s:.0f} s"
                                   ) from None
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise BrowserError(f"CDP command {method} failed: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for_event(self, method: str, session_id: str, timeout_s: float) -> dict | None:
        """Return the first event `method` of the session (already received or arriving within timeout_s), or None."""
        deadline = time.monotonic() + timeout_s
        while True:
            for event in self.events:
                if event["method"] == method and event.get("sessionId") == session_id:
                    return event
            try:
                self.events.append(self._next_message(deadline))
            except TimeoutError:
                return None

    def drain_events(self) -> None:
        """Move every message already received into self.events without waiting."""
        while True:
            try:
                message = self.messages.get_nowait()
            except queue.Empty:
                return
            if message is not None:
                self.events.append(message)

    def stderr_tail(self, lines: int = 3) -> str:
        try:
            text = self.stderr_path.read_text(errors="replace").strip()
        except OSError:
            return "(no chromium log)"
        return " | ".join(text.splitlines()[-lines:]) or "(empty chromium log)"

    def close(self) -> None:
        """End the browser: ask it to close, then kill its process group if it is still running after 5 s."""
        if self.process.poll() is None:
            try:
                os.write(self.to_browser, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        # Chromium's helper processes (zygote, renderers) share the group this script started it in.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        os.close(self.to_browser)
        self.profile_dir.cleanup()

    def __enter__(self) -> "CdpPipe":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


# ----------------------------------------------------------------------------------------------------------------
# Checking one page


@dataclass
class PageResult:
    page: str
    images_ok: int = 0
    images_total: int = 0
    svg_count: int = 0
    raw_tex_count: int = 0  # text nodes that still show `$...$` TeX source, i.e. math that MathJax did not typeset
    math_count: int = 0  # formulas MathJax typeset
    blocked_urls: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    screenshot: str = ""
    cropped: bool = False


def short_src(src: str, limit: int = 80) -> str:
    """Shorten a `data:` URI (often hundreds of KB) to its media type, head and length."""
    if src.startswith("data:") and len(src) > limit:
        return f"{src[:limit]}... ({len(src)} chars)"
    return src


def image_file_problem(src: str, page_path: Path) -> str | None:
    """Return why the local file an <img src> names is missing, or None when the file exists or src is not local."""
    if not src or src.startswith(("data:", "http:", "https:", "//")):
        return None
    parsed = urllib.parse.urlparse(src)
    if parsed.scheme == "file":
        target = Path(urllib.request.url2pathname(parsed.path))
    elif parsed.scheme:
        return None
    else:
        target = (page_path.parent / urllib.request.url2pathname(parsed.path)).resolve()
    return None if target.is_file() else f"file not found: {target}"


def check_screenshot(png: bytes) -> str | None:
    """Return a failure message when the screenshot is one flat color (nothing rendered), else None."""
    from PIL import Image  # Pillow comes with matplotlib, a runtime requirement; main() checks that it imports

    with Image.open(io.BytesIO(png)) as image:
        extrema = image.convert("RGB").getextrema()
    if all(low == high for low, high in extrema):
        return f"screenshot is one flat color {tuple(low for low, _ in extrema)}: the page rendered nothing"
    return None


def check_page(browser: CdpPipe, page_path: Path, docs_dir: Path, screenshot_dir: Path,
               load_timeout_s: float) -> PageResult:
    """Load one page in a fresh tab, check title, scripts and images, and save a full-page screenshot."""
    result = PageResult(page=page_path.relative_to(docs_dir).as_posix())
    target_id = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target_id, "flatten": True})["sessionId"]
    try:
        for domain in ("Page", "Runtime", "Network"):
            browser.send(f"{domain}.enable", session_id=session)
        browser.send("Network.setBlockedURLs", {"urls": BLOCKED_URL_PATTERNS}, session_id=session)
        browser.send("Emulation.setDeviceMetricsOverride", {"width": VIEWPORT[0], "height": VIEWPORT[1],
                                                            "deviceScaleFactor": 1, "mobile": False},
                     session_id=session)
        browser.events.clear()

        navigation = browser.send("Page.navigate", {"url": page_path.resolve().as_uri()}, session_id=session)
        if navigation.get("errorText"):
            result.failures.append(f"page did not load: {navigation['errorText']}")
            return result
        if browser.wait_for_event("Page.loadEventFired", session, load_timeout_s) is None:
            result.failures.append(f"load event timed out after {load_timeout_s:.0f} s")
            return result

        probe = browser.send("Runtime.evaluate", {
            "expression": f"({PAGE_PROBE_JS})({int(load_timeout_s * 1000)})",
            "awaitPromise": True, "returnByValue": True,
        }, session_id=session, timeout_s=load_timeout_s + 10)
        if "exceptionDetails" in probe:
            details = probe["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "")
            result.failures.append(f"page probe failed: {text.splitlines()[0] if text else '(no message)'}")
            return result
        state = probe["result"]["value"]

        if not state["title"]:
            result.failures.append("page has no <title>")
        if not state["h1"]:
            result.failures.append("page has no <h1> heading")
        for markup in state["quartoMarkup"]:
            result.failures.append(f"Quarto markup shown as text: {markup[:80]}")
        if state["imagesTimedOut"]:
            result.failures.append(f"images still loading after {load_timeout_s:.0f} s")
        result.svg_count = state["svgCount"]
        result.raw_tex_count = state["rawTexCount"]
        result.math_count = state["mathCount"]
        if state["mathTimedOut"]:
            result.failures.append(f"MathJax did not finish typesetting within {load_timeout_s:.0f} s")
        if result.raw_tex_count:
            loaded = "MathJax ran but left it" if state["mathjaxLoaded"] else "MathJax did not load"
            result.failures.append(f"{result.raw_tex_count} text nodes show TeX source ({loaded}): build the pages with "
                                   "scripts/build_docs.sh, which points them at _docs/mathjax/")
        for error in state["mathErrors"]:
            result.failures.append(f"MathJax error: {error}")
        result.images_total = len(state["images"])
        for image in state["images"]:
            problem = image_file_problem(image["src"], page_path)
            if problem is None and image["complete"] and image["naturalWidth"] > 0:
                result.images_ok += 1
                continue
            reason = problem or ("external URL blocked, the offline docs must embed their figures"
                                 if image["url"].startswith(("http:", "https:")) else "image failed to load or decode")
            result.failures.append(f'broken image src="{short_src(image["src"])}" ({reason})')

        browser.drain_events()
        request_urls = {}
        for event in browser.events:
            if event.get("sessionId") != session:
                continue
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                text = details.get("exception", {}).get("description") or details.get("text", "")
                result.failures.append(f"JavaScript exception: {text.splitlines()[0] if text else '(no message)'}")
            elif event["method"] == "Network.requestWillBeSent":
                request_urls[params.get("requestId")] = params.get("request", {}).get("url", "")
            elif event["method"] == "Network.loadingFailed":
                url = request_urls.get(params.get("requestId"), "(unknown URL)")
                if params.get("blockedReason"):
                    result.blocked_urls.append(url)
                elif url.startswith("file:") and not params.get("canceled"):
                    result.failures.append(f"local file failed to load: {url} ({params.get('errorText', 'no error text')})")

        save_screenshot(browser, session, result, screenshot_dir)
    finally:
        browser.send("Target.closeTarget", {"targetId": target_id})
    return result


def save_screenshot(browser: CdpPipe, session: str, result: PageResult, screenshot_dir: Path) -> None:
    """Capture the whole page (up to MAX_SCREENSHOT_HEIGHT) as PNG and write it atomically."""
    metrics = browser.send("Page.getLayoutMetrics", session_id=session)
    content = metrics.get("cssContentSize") or metrics["contentSize"]
    height = max(1, int(content["height"]))
    result.cropped = height > MAX_SCREENSHOT_HEIGHT
    clip = {"x": 0, "y": 0, "width": VIEWPORT[0], "height": min(height, MAX_SCREENSHOT_HEIGHT), "scale": 1}
    shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip},
                        session_id=session, timeout_s=60)
    png = base64.b64decode(shot["data"])
    if problem := check_screenshot(png):
        result.failures.append(problem)

    path = screenshot_dir / Path(result.page).with_suffix(".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".png.partial")
    partial.write_bytes(png)
    partial.replace(path)
    result.screenshot = str(path)


# ----------------------------------------------------------------------------------------------------------------
# Command line


def print_summary(results: list[PageResult]) -> None:
    page_width = max([len("page")] + [len(r.page) for r in results])
    print(f"{'page':<{page_width}}  {'status':<6}  {'images ok/total':>15}  {'svg':>4}  {'blocked':>7}  "
          f"{'math':>5}  {'raw TeX':>7}  screenshot")
    for r in results:
        status = "FAIL" if r.failures else "ok"
        shot = (r.screenshot or "-") + (f" (cropped at {MAX_SCREENSHOT_HEIGHT} px)" if r.cropped else "")
        print(f"{r.page:<{page_width}}  {status:<6}  {f'{r.images_ok}/{r.images_total}':>15}  {r.svg_count:>4}  "
              f"{len(r.blocked_urls):>7}  {r.math_count:>5}  {r.raw_tex_count:>7}  {shot}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docs_dir", nargs="?", default="_docs", type=Path,
                        help="folder of rendered HTML pages, searched recursively (default: _docs)")
    parser.add_argument("--screenshots", type=Path, default=None,
                        help="folder for the full-page PNG screenshots (default: DOCS_DIR/_screenshots)")
    parser.add_argument("--browser", default=None,
                        help="Chromium or Chrome executable (default: $CHROMIUM, then chromium on PATH)")
    parser.add_argument("--install-missing", action="store_true",
                        help="install Debian's chromium package with apt-get when no browser is found")
    parser.add_argument("--load-timeout", type=float, default=60.0,
                        help="seconds to wait for each page's load event and for its images (default: 60)")
    parser.add_argument("--install-timeout", type=float, default=900.0,
                        help="seconds allowed for each apt-get step (default: 900)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if os.environ.get("DOCS_BROWSER_CHECK", "1") == "0":
        print("docs browser check: skipped because DOCS_BROWSER_CHECK=0")
        return 0
    docs_dir = args.docs_dir.resolve()
    screenshot_dir = (args.screenshots or docs_dir / "_screenshots").resolve()
    pages = sorted(p for p in docs_dir.rglob("*.html") if screenshot_dir not in p.parents)
    if not pages:
        print(f"docs browser check: no *.html pages found under {docs_dir}: build the docs first "
              "(bash scripts/build_docs.sh)", file=sys.stderr)
        return 1

    try:
        import PIL  # noqa: F401
    except ImportError:
        print("docs browser check failed: Pillow is not installed in this Python: run the check with the project's "
              "environment (.venv/bin/python), where matplotlib installs it", file=sys.stderr)
        return 2

    try:
        executable = find_browser(args.browser)
        if executable is None and args.install_missing:
            install_chromium(args.install_timeout)
            executable = find_browser(args.browser)
        if executable is None:
            raise BrowserError("no Chromium executable found (looked for --browser, $CHROMIUM and "
                               f"{', '.join(BROWSER_NAMES)}): install it with `apt-get install -y chromium`, "
                               "pass --install-missing, or set DOCS_BROWSER_CHECK=0 to skip the browser check")
        results = []
        with CdpPipe(executable) as browser:
            version = browser.send("Browser.getVersion")["product"]
            print(f"docs browser check: {len(pages)} pages under {docs_dir} in {version}", flush=True)
            for page in pages:
                try:
                    results.append(check_page(browser, page, docs_dir, screenshot_dir, args.load_timeout))
                except BrowserError as error:
                    raise BrowserError(f"while checking {page.relative_to(docs_dir)}: {error}") from None
    except BrowserError as error:
        print(f"docs browser check failed: {error}", file=sys.stderr)
        return 2

    print_summary(results)
    failures = [(r.page, message) for r in results for message in r.failures]
    for page, message in failures:
        print(f"FAIL {page}: {message}", file=sys.stderr)
    failed_pages = sum(1 for r in results if r.failures)
    print(f"docs browser check: {len(results) - failed_pages} pages passed, {failed_pages} failed; "
          f"screenshots in {screenshot_dir}")
    return 1 if failures else 0


if __name__ == "__main__":
    # Turn SIGTERM (e.g. from a CI timeout) into SystemExit, so the `with` block still ends Chromium.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    sys.exit(main())
