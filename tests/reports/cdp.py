#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Renders a local HTML file in headless Chromium, driven through the DevTools protocol.

    /usr/bin/python3 tests/reports/cdp.py png IN.html OUT.png [WIDTH HEIGHT]
    /usr/bin/python3 tests/reports/cdp.py pdf IN.html OUT.pdf

png: a screenshot of a WIDTHxHEIGHT window (default 1024x1400, scale 1, sRGB).
pdf: the print layout, on A4 unless the page's @page rule says otherwise, no header or
footer, backgrounds printed.

Every console message, uncaught exception, browser log entry (CSP violation, blocked
or failed load...) and failed resource load goes to stderr, one line each.  Exits 1
when any of them is an error (console.error/assert, exception, log level "error",
failed load) or when the render fails (Chromium dies, navigation fails, timeout:
RENDER_TIMEOUT seconds, default 60); Chromium's own log is then shown too.

Standard library only.  Chromium speaks the protocol over --remote-debugging-pipe:
it reads JSON messages from fd 3 and writes them to fd 4, each ending with a NUL.
Runs $CHROMIUM (default /usr/bin/chromium) with a fresh temporary profile.
"""
import base64
import fcntl
import json
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-color-profile=srgb", "--force-device-scale-factor=1",
         "--remote-debugging-pipe"]
A4 = (210 / 25.4, 297 / 25.4)  # inches


class RenderError(Exception):
    pass


class Browser:
    """One Chromium process and the protocol pipe to it."""

    def __init__(self, profile, log, width, height):
        to_r, self.to_w = os.pipe()      # we write, Chromium reads on fd 3
        self.from_r, from_w = os.pipe()  # Chromium writes on fd 4, we read
        # Copies above fd 10, so that placing them on 3 and 4 in the child clobbers nothing.
        hi_r = fcntl.fcntl(to_r, fcntl.F_DUPFD_CLOEXEC, 10)
        hi_w = fcntl.fcntl(from_w, fcntl.F_DUPFD_CLOEXEC, 10)

        def child():
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        cmd = [os.environ.get("CHROMIUM", "/usr/bin/chromium"), *FLAGS,
               f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     preexec_fn=child, pass_fds=(3, 4))
        for fd in (to_r, from_w, hi_r, hi_w):
            os.close(fd)
        self.buf = b""
        self.next_id = 0
        self.events = []  # (method, params) not yet handled

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def receive(self, deadline):
        """The next message from Chromium, waiting at most until deadline."""
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_r], [], [], left)[0]:
                raise RenderError("délai dépassé")
            chunk = os.read(self.from_r, 1 << 20)
            if not chunk:
                raise RenderError("Chromium s'est arrêté")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, deadline, method, params=None, session=None):
        """Sends a command and returns its result, queueing the events met meanwhile."""
        wanted = self.send(method, params, session)
        while True:
            msg = self.receive(deadline)
            if msg.get("id") == wanted:
                if "error" in msg:
                    raise RenderError(f"{method} : {msg['error'].get('message')}")
                return msg["result"]
            if "method" in msg:
                self.events.append((msg["method"], msg.get("params", {})))

    def wait_event(self, deadline, method, match):
        """Waits for an event whose parameters satisfy match, queueing the others."""
        while True:
            for i, (m, p) in enumerate(self.events):
                if m == method and match(p):
                    return self.events.pop(i)[1]
            msg = self.receive(deadline)
            if "method" in msg:
                self.events.append((msg["method"], msg.get("params", {})))

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_w)
        os.close(self.from_r)


def where(url, line):
    return f" [{url.rsplit('/', 1)[-1]}:{line + 1}]" if url else ""


def describe(method, p, failed):
    """(is_error, one line) for an event worth reporting, else None; failed maps the
    request ids of the failed loads to their URLs."""
    if method == "Runtime.consoleAPICalled":
        text = " ".join(str(a.get("value", a.get("description", a.get("type"))))
                        for a in p.get("args", []))
        frames = p.get("stackTrace", {}).get("callFrames") or [{}]
        f = frames[0]
        return (p["type"] in ("error", "assert"),
                f"console.{p['type']} : {text}{where(f.get('url'), f.get('lineNumber', 0))}")
    if method == "Runtime.exceptionThrown":
        d = p["exceptionDetails"]
        text = (d.get("exception", {}).get("description") or d.get("text")).split("\n")[0]
        return True, f"exception : {text}{where(d.get('url'), d.get('lineNumber', 0))}"
    if method == "Log.entryAdded":
        e = p["entry"]
        if e["source"] == "network" and e.get("url") in failed.values():
            return None  # "Failed to load resource", also a loadingFailed event
        return (e["level"] == "error",
                f"log {e['source']} {e['level']} : {e['text']}"
                f"{where(e.get('url'), e.get('lineNumber', 0))}")
    if method == "Network.loadingFailed":
        why = [p.get("errorText"), p.get("blockedReason"),
               p.get("corsErrorStatus", {}).get("corsError")]
        return True, (f"chargement échoué : {failed[p['requestId']]} "
                      f"({', '.join(w for w in why if w)})")
    return None


def render(browser, mode, url, out, width, height, deadline):
    """Loads url, then writes the screenshot or the PDF; returns the problems seen."""
    target = browser.call(deadline, "Target.createTarget", {"url": "about:blank"})["targetId"]
    s = browser.call(deadline, "Target.attachToTarget",
                     {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.call(deadline, f"{domain}.enable", session=s)
    browser.call(deadline, "Page.setLifecycleEventsEnabled", {"enabled": True}, session=s)
    browser.call(deadline, "Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                 session=s)
    nav = browser.call(deadline, "Page.navigate", {"url": url}, session=s)
    if nav.get("errorText"):
        raise RenderError(f"navigation : {nav['errorText']}")
    # The load event of this navigation (not of the about:blank before it).
    browser.wait_event(deadline, "Page.lifecycleEvent",
                       lambda p: p["name"] == "load" and p["loaderId"] == nav["loaderId"])
    # Fonts loaded and two frames painted, so late errors and the final layout are in.
    browser.call(deadline, "Runtime.evaluate", {
        "expression": "document.fonts.ready.then(() => new Promise(r =>"
                      " requestAnimationFrame(() => requestAnimationFrame(r))))",
        "awaitPromise": True}, session=s)
    if mode == "png":
        data = browser.call(deadline, "Page.captureScreenshot", {"format": "png"}, session=s)
    else:
        data = browser.call(deadline, "Page.printToPDF", {
            "paperWidth": A4[0], "paperHeight": A4[1], "preferCSSPageSize": True,
            "printBackground": True, "displayHeaderFooter": False}, session=s)
    pathlib.Path(out).write_bytes(base64.b64decode(data["data"]))
    # URLs of the failed loads first, so their duplicates in the log can be left out.
    urls = {p["requestId"]: p["request"]["url"] for m, p in browser.events
            if m == "Network.requestWillBeSent"}
    failed = {r: urls.get(r, "?") for r in (p["requestId"] for m, p in browser.events
                                             if m == "Network.loadingFailed")}
    return [d for d in (describe(m, p, failed) for m, p in browser.events) if d]


def main(argv):
    if len(argv) not in (4, 6) or argv[1] not in ("png", "pdf") or \
            (argv[1] == "pdf" and len(argv) != 4):
        sys.exit(__doc__.split("\n\n")[1])
    mode, src, out = argv[1:4]
    width, height = (int(argv[4]), int(argv[5])) if len(argv) == 6 else (1024, 1400)
    if not os.path.isfile(src):
        sys.exit(f"render : {src} introuvable")
    url = pathlib.Path(src).resolve().as_uri()
    deadline = time.monotonic() + float(os.environ.get("RENDER_TIMEOUT", "60"))
    profile = tempfile.mkdtemp(prefix="jalon-chromium.")
    broken = False
    try:
        with open(os.path.join(profile, "chromium.log"), "w+b") as log:
            browser = Browser(profile, log, width, height)
            try:
                problems = render(browser, mode, url, out, width, height, deadline)
            except RenderError as e:
                problems, broken = [(True, f"rendu échoué : {e}")], True
            finally:
                browser.close()
            for _, line in problems:
                print(f"{src}: {line}", file=sys.stderr)
            if broken:
                log.seek(0)
                tail = [line for line in log.read().decode(errors="replace").splitlines()
                        if "dbus" not in line][-20:]  # D-Bus: always absent, noise
                print("--- fin du journal de Chromium ---", *tail, sep="\n", file=sys.stderr)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return 1 if any(e for e, _ in problems) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
