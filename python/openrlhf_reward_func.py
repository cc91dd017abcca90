"""OpenRLHF's python-file reward option, calling `vrft serve`:

    --remote_rm_url /path/to/python/openrlhf_reward_func.py      (VRFT_URL: the server, default http://127.0.0.1:8000)

The plain flag `--remote_rm_url http://127.0.0.1:8000/get_reward` needs no file at all; this one is for setups that
take a reward file. An item the server could not score gets reward 0.0 (OpenRLHF needs a number); its reason is in
the server's answer, and the count of such items is logged as `vrft_unscored`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vrft_rewards import Client  # noqa: E402

_CLIENT = None


def reward_func(queries, prompts, labels):
    global _CLIENT
    if _CLIENT is None:
        _CLIENT = Client(os.environ.get("VRFT_URL", "http://127.0.0.1:8000"), token=os.environ.get("VRFT_TOKEN"))
    r = _CLIENT.get_reward(queries, prompts, labels)
    rewards = [0.0 if v is None else float(v) for v in r["rewards"]]
    logs = {k: [0.0 if v is None else float(v) for v in vs] for k, vs in r.get("extra_logs", {}).items()}
    logs["vrft_unscored"] = [float(len(r.get("errors", {})))] * len(rewards)
    try:
        import torch
    except ImportError:  # without torch (tests), plain lists
        return {"rewards": rewards, "scores": rewards, "extra_logs": logs}
    t = torch.tensor(rewards, dtype=torch.float32)
    return {"rewards": t, "scores": t.clone(), "extra_logs": {k: torch.tensor(v) for k, v in logs.items()}}
