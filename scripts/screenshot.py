"""Screenshots of a running lab_crm Odoo with headless Chromium (Chrome DevTools Protocol).

    python scripts/screenshot.py OUT.png URL_PATH[|CSS_SELECTOR_TO_CLICK...] ...

Logs in as admin/admin at http://127.0.0.1:8069 (override with LAB_CRM_URL, LAB_CRM_LOGIN,
LAB_CRM_PASSWORD) and saves one PNG per path (OUT-1.png, ...). Needs Debian's chromium and
websocket-client.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

BASE = os.environ.get("LAB_CRM_URL", "http://127.0.0.1:8069")


def main(out, paths):
    port = 9333
    profile = tempfile.mkdtemp()
    browser = subprocess.Popen(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--remote-debugging-port={port}",
            "--remote-debugging-address=127.0.0.1",
            f"--user-data-dir={profile}",
            "--window-size=1440,1000",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                targets = json.load(
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json")
                )
                break
            except OSError:
                time.sleep(0.2)
        page = next(t for t in targets if t["type"] == "page")
        ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], suppress_origin=True
        )
        counter = iter(range(1, 10**6))

        def call(method, **params):
            msg_id = next(counter)
            ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == msg_id:
                    return msg.get("result", {})

        def evaluate(expr):
            return call("Runtime.evaluate", expression=expr, awaitPromise=True)

        call("Page.enable")
        call("Page.navigate", url=f"{BASE}/web/login")
        time.sleep(2)
        login = os.environ.get("LAB_CRM_LOGIN", "admin")
        password = os.environ.get("LAB_CRM_PASSWORD", "admin")
        evaluate(
            f"document.querySelector('#login').value={json.dumps(login)};"
            f"document.querySelector('#password').value={json.dumps(password)};"
            "document.querySelector('form').submit();"
        )
        time.sleep(3)
        stem, ext = os.path.splitext(out)
        for index, path in enumerate(paths, 1):
            path, *clicks = path.split("|")
            call("Page.navigate", url=BASE + path)
            time.sleep(float(os.environ.get("LAB_CRM_WAIT", "4")))
            for click in clicks:
                evaluate(f"document.querySelector({json.dumps(click)}).click()")
                time.sleep(1.5)
            shot = call("Page.captureScreenshot", format="png")
            target = f"{stem}-{index}{ext}" if len(paths) > 1 else out
            with open(target, "wb") as handle:
                handle.write(base64.b64decode(shot["data"]))
            print(target)
    finally:
        browser.terminate()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
