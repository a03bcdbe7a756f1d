# PyTorch's side of the optional PyTorch line (bench/engines/pytorch.ts starts it).
# Reads one JSON job on stdin and writes one JSON answer on stdout:
#   {"kind": "probe"}: torch's version, the BLAS library it loaded and, for
#     OpenBLAS, the kernel it picked for this CPU (openblas_get_corename);
#   {"kind": "matmul", ...} and {"kind": "step", ...}: the bench's workload
#     with the same float32 data, timed here (a call from Node per step would
#     time the pipe), once with torch's default threads and once with one.
# Timing follows bench/measure.ts: per round, samples until maxTime seconds
# (at least minSamples), each sample long enough for the clock; the median
# sample per round, then the median over rounds. Rounds interleave the two
# thread settings, as the bench interleaves engines.
import base64
import ctypes
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def floats(text, shape):
    data = bytearray(base64.b64decode(text))
    return torch.frombuffer(data, dtype=torch.float32).reshape(shape).clone()


def encode(tensor):
    return base64.b64encode(tensor.detach().contiguous().numpy().tobytes()).decode()


def blas_library():
    """The BLAS shared library this process loaded, and OpenBLAS's entry points if it is OpenBLAS."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))  # makes sure BLAS is loaded
    paths = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.split()[-1]})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            corename = lib.openblas_get_corename
        except (OSError, AttributeError):
            continue
        corename.restype = ctypes.c_char_p
        config = lib.openblas_get_config
        config.restype = ctypes.c_char_p
        return {"path": path, "openblas": True, "kernel": corename().decode(), "config": config().decode(), "lib": lib}
    return {"path": paths[0] if paths else "none", "openblas": False, "kernel": None, "config": None, "lib": None}


BLAS = None


def set_threads(count):
    torch.set_num_threads(count)
    if BLAS["lib"] is not None:
        BLAS["lib"].openblas_set_num_threads(count)


def timed(run, timing):
    """Median seconds per call over `rounds` rounds for each thread setting (interleaved)."""
    settings = {"pytorch": DEFAULT_THREADS, "pytorch 1 thread": 1}
    medians = {name: [] for name in settings}
    rme = {name: 0.0 for name in settings}
    samples = {name: 0 for name in settings}
    for _ in range(timing["rounds"]):
        for name, threads in settings.items():
            set_threads(threads)
            for _ in range(3):
                run()
            start = time.perf_counter()
            run()
            once = max(time.perf_counter() - start, 1e-7)
            reps = max(1, math.ceil(0.005 / once))
            values = []
            begin = time.perf_counter()
            while len(values) < timing["minSamples"] or time.perf_counter() - begin < timing["maxTime"]:
                start = time.perf_counter()
                for _ in range(reps):
                    run()
                values.append((time.perf_counter() - start) / reps)
            medians[name].append(statistics.median(values))
            mean = statistics.fmean(values)
            error = 1.96 * statistics.stdev(values) / math.sqrt(len(values)) / mean * 100 if len(values) > 1 else 0.0
            rme[name] = max(rme[name], error)
            samples[name] += len(values)
    set_threads(DEFAULT_THREADS)
    return [{"engine": name, "seconds": statistics.median(medians[name]), "rme": rme[name], "samples": samples[name]} for name in settings]


def matmul(job):
    n = job["n"]
    a = floats(job["a"], (n, n))
    b = floats(job["b"], (n, n))
    c = torch.mm(a, b)
    cases = timed(lambda: torch.mm(a, b), job["timing"])
    return {"cases": cases, "result": encode(c)}


class Mlp:
    """The bench's MLP as PyTorch users write it: F.linear layers, the loss, backward, torch.optim.SGD."""

    def __init__(self, job):
        sizes = job["sizes"]
        self.params = []
        self.layers = []
        for l in range(len(sizes) - 1):
            w = floats(job["weights"][l], (sizes[l + 1], sizes[l])).requires_grad_()
            b = floats(job["biases"][l], (sizes[l + 1],)).requires_grad_()
            self.layers.append((w, b))
            self.params += [w, b]
        self.activation = torch.relu if job["activation"] == "relu" else torch.tanh
        self.loss_name = job["loss"]
        self.optimizer = torch.optim.SGD(self.params, lr=job["lr"])
        rows = job["rows"]
        self.x = floats(job["x"], (rows, sizes[0]))
        y = floats(job["y"], (rows, sizes[-1]))
        self.y = y.argmax(dim=1) if self.loss_name == "crossEntropy" else y

    def step(self):
        self.optimizer.zero_grad()
        h = self.x
        last = len(self.layers) - 1
        for l, (w, b) in enumerate(self.layers):
            h = F.linear(h, w, b)
            if l < last:
                h = self.activation(h)
        if self.loss_name == "crossEntropy":
            loss = F.cross_entropy(h, self.y)
        elif self.loss_name == "bce":
            loss = F.binary_cross_entropy(torch.sigmoid(h), self.y)
        else:
            loss = F.binary_cross_entropy_with_logits(h, self.y)
        loss.backward()
        self.optimizer.step()
        return loss.item()


def step(job):
    # Each thread setting trains its own copy from the shared initial weights.
    losses = {}
    for name, threads in (("pytorch", DEFAULT_THREADS), ("pytorch 1 thread", 1)):
        set_threads(threads)
        mlp = Mlp(job)
        losses[name] = [mlp.step() for _ in range(3)]
    set_threads(DEFAULT_THREADS)
    mlp = Mlp(job)
    return {"cases": timed(mlp.step, job["timing"]), "losses": losses}


def main():
    global BLAS, DEFAULT_THREADS
    job = json.load(sys.stdin)
    BLAS = blas_library()
    # Every core, as dagrad's two threads may use (this torch build starts with one thread here).
    DEFAULT_THREADS = len(os.sched_getaffinity(0))
    set_threads(DEFAULT_THREADS)
    if job["kind"] == "probe":
        flags = next((line for line in open("/proc/cpuinfo") if line.startswith("flags")), "").split()
        answer = {
            "torch": torch.__version__,
            "threads": DEFAULT_THREADS,
            "blas": {key: value for key, value in BLAS.items() if key != "lib"},
            "cpuFlags": [flag for flag in flags if flag.startswith("avx512") or flag in ("avx2", "fma")],
        }
    elif job["kind"] == "matmul":
        answer = matmul(job)
    else:
        answer = step(job)
    json.dump(answer, sys.stdout)


torch.set_grad_enabled(True)
main()
