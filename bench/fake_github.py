#!/usr/bin/env python3
"""A fake GitHub for bench/run.sh, spoken to as an HTTP proxy (docs/architecture.md, Real clients in tests).

gh with GH_HOST=github.localhost and HTTP_PROXY=http://127.0.0.1:PORT sends plain HTTP
`GET http://api.github.localhost/<path>` here. Every GET answers 200 with the same ~1 KiB JSON
repository document, so gh stores it in its own cache (`gh api --cache`) and cachewrap stores it
too. Each request is appended to the log file (`GET <path> <status>`), so the benchmark can check
that a "hit" really made no request. Like GitHub, every answer has an ETag and a matching
`If-None-Match` gets `304 Not Modified` with no body (bench/revalidate.sh counts them).

Usage: fake_github.py PORT_FILE LOG_FILE   (binds 127.0.0.1 on a free port, writes it to PORT_FILE)
"""
import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = json.dumps({
    "id": 1296269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": "r", "full_name": "o/r",
    "private": False, "owner": {"login": "o", "id": 1, "type": "User", "site_admin": False},
    "html_url": "https://github.com/o/r", "description": "A fake repository for the benchmark",
    "fork": False, "url": "https://api.github.com/repos/o/r",
    "created_at": "2011-01-26T19:01:12Z", "updated_at": "2011-01-26T19:14:43Z",
    "pushed_at": "2011-01-26T19:06:43Z", "homepage": "https://github.com",
    "size": 108, "stargazers_count": 80, "watchers_count": 80, "language": "Swift",
    "has_issues": True, "has_projects": True, "has_downloads": True, "has_wiki": True,
    "has_pages": False, "forks_count": 9, "archived": False, "disabled": False,
    "open_issues_count": 0, "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT"},
    "topics": ["octocat", "atom", "electron", "api"], "visibility": "public",
    "forks": 9, "open_issues": 0, "watchers": 80, "default_branch": "main",
    "permissions": {"admin": False, "push": False, "pull": True},
    "clone_url": "https://github.com/o/r.git", "ssh_url": "git@github.com:o/r.git",
    "padding": "x" * 200,
}, indent=2).encode() + b"\n"
ETAG = 'W/"' + hashlib.sha256(BODY).hexdigest()[:32] + '"'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        status = 304 if self.headers.get("If-None-Match") == ETAG else 200
        with open(sys.argv[2], "a") as log:
            log.write(f"GET {self.path} {status}\n")
        self.send_response(status)
        self.send_header("ETag", ETAG)
        self.send_header("X-GitHub-Media-Type", "github.v3; format=json")
        if status == 304:
            self.end_headers()
            return
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    # Renamed into place so the reader never sees a half-written port.
    import os
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
