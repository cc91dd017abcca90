"""The Python peer of `vrft serve`: a reward server built as OpenRLHF's bundled serve_rm.py is (an HTTP server
answering POST /get_reward with {"rewards", "scores", "extra_logs"}), here on the standard library's
ThreadingHTTPServer, scoring each item with the plain-Python port of Visual-RFT's rules (visual_rft_rewards.py).

usage: python3 serve_rm.py --port N --task detection|classification|grounding_lisa
"""
import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import visual_rft_rewards as port  # noqa: E402


def make_handler(task):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real server
        # TCP_NODELAY, as uvicorn (OpenRLHF's server) sets it: the headers and the body go out as two writes, and
        # with Nagle's algorithm the second waited ~40 ms for the client's delayed ACK
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            rewards, logs = [], {}
            for q, p, label in zip(body["query"], body.get("prompts") or [""] * len(body["query"]), body["labels"]):
                completion = q[len(p):] if q.startswith(p) else q
                comps = port.score(task, completion, label)
                rewards.append(sum(comps.values()))
                for k, v in comps.items():
                    logs.setdefault(k, []).append(v)
            out = json.dumps({"rewards": rewards, "scores": rewards, "extra_logs": logs}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"ok\n")

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--task", default="detection")
    a = ap.parse_args()
    # a listen backlog for 64 connections at once (the standard library's default of 5 drops connections that a real
    # server, uvicorn with its 2,048, accepts)
    ThreadingHTTPServer.request_queue_size = 1024
    server = ThreadingHTTPServer(("127.0.0.1", a.port), make_handler(a.task))
    print("serve_rm: listening on http://127.0.0.1:%d" % server.server_address[1], file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
