"""Python adapters for `vrft serve`: a client, and reward functions in the shapes TRL, verl and OpenRLHF call.

Standard library only (Python 3.9+). Every adapter posts to the server's `POST /get_reward` (OpenRLHF's remote reward
protocol: {"query": [...], "prompts": [...], "labels": [...]}), so a completion is sent as a query with an empty
prompt, and a label is the solution string (the server's `--task` decides the task) or an object with `task`,
`solution` and, for VLM-R1, its fields.

    from vrft_rewards import Client, trl_reward_functions, VerlScorer

    client = Client("http://127.0.0.1:8000")
    funcs = trl_reward_functions(client, components=["accuracy", "format"])   # GRPOTrainer(reward_funcs=funcs, ...)
    compute_score = VerlScorer(client).compute_score                           # verl's custom_reward_function
"""
import asyncio
import json
import threading
import time
import urllib.error
import urllib.request

__all__ = ["Client", "RewardServiceError", "trl_reward_functions", "trl_async_reward_functions", "VerlScorer"]


class RewardServiceError(RuntimeError):
    """The server answered with an error (4xx), or could not be reached after the retries."""

    def __init__(self, message, status=None, body=None):
        super().__init__(message)
        self.status = status
        self.body = body


class Client:
    """A `vrft serve` client: one POST per call, with a timeout and retries on connection errors and 503s."""

    def __init__(self, url="http://127.0.0.1:8000", timeout=60.0, retries=3, backoff=0.2, token=None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.token = token
        self.requests = 0  # calls that reached the server: the micro-batching tests count them

    def get_reward(self, queries, prompts=None, labels=None):
        """OpenRLHF's call: returns the server's dict {"rewards", "scores", "extra_logs"[, "errors"]}."""
        body = {"query": list(queries), "labels": list(labels if labels is not None else [])}
        if prompts is not None:
            body["prompts"] = list(prompts)
        return self._post("/get_reward", body)

    def score(self, completions, labels):
        """The rewards of completions against labels (solutions or label objects): the server's dict."""
        return self.get_reward(list(completions), [""] * len(completions), list(labels))

    async def score_async(self, completions, labels):
        """`score` without blocking the event loop (a worker thread; the call itself is the same)."""
        return await asyncio.get_running_loop().run_in_executor(None, self.score, completions, labels)

    def _post(self, path, body):
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        last = None
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(self.url + path, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as r:
                    self.requests += 1
                    return json.loads(r.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                text = e.read().decode("utf-8", "replace")
                if e.code == 503 and attempt < self.retries:
                    delay = float(e.headers.get("Retry-After") or self.backoff * 2 ** attempt)
                    time.sleep(delay)
                    last = e
                    continue
                raise RewardServiceError("vrft serve answered %d: %s" % (e.code, text), e.code, text) from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                last = e
                if attempt < self.retries:
                    time.sleep(self.backoff * 2 ** attempt)
        raise RewardServiceError("vrft serve at %s not reachable: %s" % (self.url, last))


def _completion_text(completion):
    """TRL passes a string, or for conversational data a list of messages: the assistant's content is scored."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, (list, tuple)) and completion and isinstance(completion[0], dict):
        return "".join(m.get("content", "") for m in completion if m.get("role", "assistant") == "assistant")
    raise TypeError("a completion must be a string or a list of messages, got %s" % type(completion).__name__)


# the VLM-R1 columns a label object carries to the server, when a dataset has them
_VLM_R1_COLUMNS = ("task", "model", "reward_method", "accu_reward_method", "image_size_wh", "image_grid_thw",
                   "completion_tokens", "format")


def _labels(n, kwargs, solution_key, task):
    solutions = kwargs.get(solution_key)
    if solutions is None:
        raise KeyError("the dataset has no %r column (the solution each completion is scored against)" % solution_key)
    labels = []
    for i in range(n):
        extra = {k: kwargs[k][i] for k in _VLM_R1_COLUMNS if k in kwargs and kwargs[k] is not None}
        if task and "task" not in extra:
            extra["task"] = task
        if extra:
            extra["solution"] = solutions[i]
            labels.append(extra)
        else:
            labels.append(solutions[i])
    return labels


def _pick(result, component, n):
    """The total (component None) or one component per item; None where the item could not be scored."""
    values = result["rewards"] if component is None else result.get("extra_logs", {}).get(component, [None] * n)
    return [None if v is None else float(v) for v in values]


def trl_reward_functions(client, components=None, solution_key="solution", task=None):
    """Reward functions for TRL's GRPOTrainer, `(prompts, completions, completion_ids=None, **kwargs)` -> list of
    float or None (TRL skips None). With `components` (e.g. ["accuracy", "format"]) one function per component, so
    that `reward_weights` weighs them as the upstream scripts do; without, one function returning the total. The
    solutions come from the dataset column `solution_key`; VLM-R1 columns (image_size_wh, image_grid_thw, ...) are
    sent along when present. The older call of the VLM-R1 and Visual-RFT forks, `(prompts, completions, **kwargs)`,
    is the same call.

    The functions of one factory share each batch's request: the first computes, the others read its result.
    """
    names = list(components) if components else [None]
    cache = {"key": None, "result": None}
    lock = threading.Lock()

    def result_for(completions, kwargs):
        texts = [_completion_text(c) for c in completions]
        labels = _labels(len(texts), kwargs, solution_key, task)
        key = json.dumps([texts, labels], sort_keys=True, default=str)
        with lock:
            if cache["key"] == key:
                return cache["result"]
        result = client.score(texts, labels)
        with lock:
            cache["key"], cache["result"] = key, result
        return result

    def make(component):
        def reward(prompts=None, completions=None, completion_ids=None, **kwargs):
            result = result_for(completions, kwargs)
            return _pick(result, component, len(completions))
        reward.__name__ = "vrft_" + (component or "total")
        return reward

    return [make(c) for c in names]


def trl_async_reward_functions(client, components=None, solution_key="solution", task=None):
    """`trl_reward_functions` as `async def` functions (TRL >= 0.27 awaits async reward functions concurrently)."""
    sync = trl_reward_functions(client, components, solution_key, task)

    def make(f):
        async def reward(prompts=None, completions=None, completion_ids=None, **kwargs):
            return await asyncio.get_running_loop().run_in_executor(
                None, lambda: f(prompts=prompts, completions=completions, completion_ids=completion_ids, **kwargs))
        reward.__name__ = f.__name__
        return reward

    return [make(f) for f in sync]


class VerlScorer:
    """verl's `compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs)`, async, returning
    {"score": total, <component>: value, ...}. verl's reward loop calls it once per sample from many coroutines:
    concurrent calls are coalesced into one request of up to `max_batch` items, sent when it is full or `max_delay`
    seconds after its first item.
    """

    def __init__(self, client, task=None, max_batch=256, max_delay=0.005):
        self.client = client
        self.task = task
        self.max_batch = max_batch
        self.max_delay = max_delay
        self._pending = []
        self._flush_handle = None

    async def compute_score(self, data_source, solution_str, ground_truth, extra_info=None, **kwargs):
        label = ground_truth
        if self.task is not None or isinstance(extra_info, dict) and extra_info.get("task"):
            label = {"task": (extra_info or {}).get("task") or self.task, "solution": ground_truth}
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((solution_str, label, future))
        if len(self._pending) >= self.max_batch:
            self._flush()
        elif self._flush_handle is None:
            self._flush_handle = loop.call_later(self.max_delay, self._flush)
        return await future

    def _flush(self):
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        batch, self._pending = self._pending, []
        if batch:
            asyncio.get_running_loop().create_task(self._send(batch))

    async def _send(self, batch):
        try:
            result = await self.client.score_async([b[0] for b in batch], [b[1] for b in batch])
        except Exception as e:  # every waiting call gets the failure
            for _, _, f in batch:
                if not f.done():
                    f.set_exception(e)
            return
        logs = result.get("extra_logs", {})
        errors = result.get("errors", {})
        for i, (_, _, f) in enumerate(batch):
            if f.done():
                continue
            total = result["rewards"][i]
            if total is None:
                f.set_exception(RewardServiceError("item not scored: " + errors.get(str(i), "unknown reason")))
                continue
            out = {"score": float(total)}
            for name, values in logs.items():
                if values[i] is not None:
                    out[name] = float(values[i])
            f.set_result(out)
