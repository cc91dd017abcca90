"""The Python adapters against a real `vrft serve` that these tests start and stop (loopback, a free port), each
adapter called exactly as its trainer calls it. Expected values come from the golden files and from the server's
own answers to the plain protocol.

    python3 -m unittest discover -s python/tests
"""
import asyncio
import json
import os
import re
import subprocess
import tempfile
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))
from vrft_rewards import Client, RewardServiceError, VerlScorer, trl_async_reward_functions, trl_reward_functions  # noqa: E402

GOLDEN = os.path.join(ROOT, "java", "tests", "src", "test", "resources", "golden", "vlm_r1_rewards.jsonl")
GT = "<answer>garden phlox</answer>"
RIGHT = "<think>it is pink</think><answer>garden phlox</answer>"
WRONG = "<think>x</think> <answer>rose</answer>"


class Server:
    """`./vrft serve --port 0 ARGS` in its own process; the port is read from its 'listening on' line."""

    def __init__(self, *args):
        self.log = tempfile.NamedTemporaryFile("w+", prefix="vrft-serve-", suffix=".log", delete=False)
        self.proc = subprocess.Popen([os.path.join(ROOT, "vrft"), "serve", "--port", "0", "--backend", "cpu", *args],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 300  # the first run may build the jar
        while time.time() < deadline:
            self.log.seek(0)
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", self.log.read())
            if m:
                self.url = m.group(1)
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        self.log.seek(0)
        raise RuntimeError("vrft serve did not start: " + self.log.read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)
        self.log.close()
        os.remove(self.log.name)
        return self.proc.returncode


class AdapterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cls_server = Server("--task", "classification")
        cls.vlm_server = Server("--profile", "vlm-r1")

    @classmethod
    def tearDownClass(cls):
        codes = [cls.cls_server.stop(), cls.vlm_server.stop()]  # SIGTERM
        if codes != [0, 0]:
            raise AssertionError("vrft serve exited %s after SIGTERM, not 0" % codes)

    def client(self, server):
        return Client(server.url, timeout=30)

    def test_client_speaks_openrlhfs_protocol(self):
        r = self.client(self.cls_server).get_reward(["Q: " + RIGHT, "Q: " + WRONG], ["Q: ", "Q: "], [GT, GT])
        self.assertEqual([2.0, r["rewards"][1]], r["rewards"])
        self.assertEqual(r["rewards"], r["scores"])
        self.assertEqual([1.0, 0.0], r["extra_logs"]["accuracy"])
        self.assertEqual(1.0, r["extra_logs"]["format"][0])

    def test_trl_functions_per_component_and_total(self):
        client = self.client(self.cls_server)
        acc, fmt = trl_reward_functions(client, components=["accuracy", "format"])
        (total,) = trl_reward_functions(client)
        kwargs = {"solution": [GT, GT, GT]}
        completions = [RIGHT, WRONG, [{"role": "assistant", "content": RIGHT}]]  # the third conversational
        server = client.score([RIGHT, WRONG, RIGHT], [GT, GT, GT])
        self.assertEqual(server["extra_logs"]["accuracy"], acc(prompts=["p"] * 3, completions=completions, **kwargs))
        self.assertEqual(server["extra_logs"]["format"], fmt(["p"] * 3, completions, None, **kwargs))  # positional
        self.assertEqual(server["rewards"], total(prompts=["p"] * 3, completions=completions, completion_ids=None, **kwargs))
        self.assertEqual(["vrft_accuracy", "vrft_format", "vrft_total"], [acc.__name__, fmt.__name__, total.__name__])
        # trl 0.17's call (the VLM-R1 and Visual-RFT forks): prompts, completions, **kwargs
        self.assertEqual(server["rewards"][:1], total(["p"], [RIGHT], solution=[GT]))

    def test_trl_item_that_cannot_be_scored_is_none(self):
        (total,) = trl_reward_functions(self.client(self.cls_server), task="nope")
        self.assertEqual([None], total(prompts=["p"], completions=[RIGHT], solution=[GT]))

    def test_trl_async_functions(self):
        (total,) = trl_async_reward_functions(self.client(self.cls_server))
        got = asyncio.run(total(prompts=["p", "p"], completions=[RIGHT, WRONG], solution=[GT, GT]))
        self.assertEqual(2.0, got[0])
        self.assertLess(got[1], 2.0)

    def test_vlm_r1_columns_reach_the_server_golden_rec(self):
        with open(GOLDEN, encoding="utf-8") as f:
            cases = [json.loads(line) for line in f]
        rec = [c for c in cases if c["task"] == "rec" and isinstance(c.get("expected", {}).get("qwen"), dict)]
        self.assertTrue(rec)
        acc, fmt = trl_reward_functions(self.client(self.vlm_server), components=["accuracy", "format"], task="rec")
        kwargs = {"solution": [c["solution"] for c in rec],
                  "image_size_wh": [c["inputs"]["image_size_wh"] for c in rec],
                  "image_grid_thw": [c["inputs"]["image_grid_thw"] for c in rec]}
        completions = [c["completion"] for c in rec]
        want_acc = [c["expected"]["qwen"]["accuracy"] for c in rec]
        want_fmt = [c["expected"]["qwen"]["format"] for c in rec]
        self.assertEqual(want_acc, acc(prompts=[""] * len(rec), completions=completions, **kwargs))
        self.assertEqual(want_fmt, fmt(prompts=[""] * len(rec), completions=completions, **kwargs))

    def test_verl_compute_score_coalesces_concurrent_calls(self):
        client = self.client(self.cls_server)
        scorer = VerlScorer(client, max_batch=64, max_delay=0.02)

        async def run():
            calls = [scorer.compute_score("flowers", RIGHT if i % 2 == 0 else WRONG, GT) for i in range(100)]
            return await asyncio.gather(*calls)

        before = client.requests
        got = asyncio.run(run())
        self.assertEqual(100, len(got))
        self.assertEqual({"score": 2.0, "accuracy": 1.0, "format": 1.0}, got[0])
        self.assertEqual(0.0, got[1]["accuracy"])
        self.assertLessEqual(client.requests - before, 3)  # 64 + 36: two micro-batches (three at most)

    def test_verl_item_that_cannot_be_scored_raises(self):
        scorer = VerlScorer(self.client(self.cls_server), task="nope")
        with self.assertRaises(RewardServiceError):
            asyncio.run(scorer.compute_score("x", RIGHT, GT))

    def test_bad_request_is_a_clear_error(self):
        with self.assertRaises(RewardServiceError) as e:
            self.client(self.cls_server).get_reward(["a", "b"], None, ["x"])
        self.assertEqual(400, e.exception.status)
        self.assertIn('"field":"labels"', e.exception.body)

    def test_openrlhf_reward_file(self):
        import importlib.util
        spec = importlib.util.spec_from_file_location("openrlhf_reward_func", os.path.join(ROOT, "python", "openrlhf_reward_func.py"))
        mod = importlib.util.module_from_spec(spec)
        os.environ["VRFT_URL"] = self.cls_server.url
        try:
            spec.loader.exec_module(mod)
            out = mod.reward_func(["Q: " + RIGHT, "Q: " + RIGHT], ["Q: ", "Q: "], [GT, '{"task": "nope", "solution": "x"}'])
        finally:
            del os.environ["VRFT_URL"]
        rewards = [float(x) for x in out["rewards"]]
        self.assertEqual([2.0, 0.0], rewards)  # the unscored item is 0.0 for OpenRLHF
        self.assertEqual([1.0, 1.0], [float(x) for x in out["extra_logs"]["vrft_unscored"]])

    def test_unreachable_server_is_reported_after_retries(self):
        with self.assertRaises(RewardServiceError):
            Client("http://127.0.0.1:9", timeout=1, retries=1, backoff=0.01).score([RIGHT], [GT])


if __name__ == "__main__":
    unittest.main()
