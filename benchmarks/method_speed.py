"""Training-step time, decoding time and peak memory of every method on the same base and batches, in one run.

Timing: all methods live in one process and take turns (round-robin), so that a noisy shared machine slows them all
alike. Memory: each method then trains a few steps in a fresh child process, whose peak resident set size (or peak
CUDA allocation on a GPU) is read back. The table reports medians and ratios to `full_ft` and `weight_lora`.
The row `lora_diffusion+cache` is trajectory LoRA with `lora.state_cache_mb` on, timed after its training set of 4
batches has been seen a few times: the steady state of every epoch after the first. Run from the repository root:

    python benchmarks/method_speed.py --rounds 5 --steps 4
"""
import argparse
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time

import torch

from lora_diffusion.config import load_config
from lora_diffusion.evaluation import decode_batch
from lora_diffusion.metrics import peak_memory_mb, peak_rss_mb, reset_peak_rss
from lora_diffusion.training import METHODS, Trainer, trainable_summary


CACHED = "lora_diffusion+cache"  # trajectory LoRA reusing the frozen base's states of rows it has seen
CACHE_EPOCHS = 12  # warm-up epochs before timing the cached row. A row reaches the base in about 36% of its visits
                  # (when its one-token target is masked), so after 12 epochs about 99.5% of those rows were seen.


def make_trainer(method: str, config: str, batch_size: int) -> Trainer:
    overrides = {"training": {"output_dir": tempfile.mkdtemp() + "/run", "batch_size": batch_size}}
    if method == CACHED:  # a 4-batch training set, so that the warm-up reaches the steady state of later epochs
        method = "lora_diffusion"
        overrides.update(lora={"state_cache_mb": 256}, data={"subset_size": 4 * batch_size})
    trainer = Trainer(load_config("sst2", method, config, overrides))
    if trainer.model.__class__.__name__ == "LoRADiffusionModel" and trainer.model.state_cache is not None:
        batches = trainer.batches()
        for _ in range(4 * CACHE_EPOCHS): trainer.train_step(batches)
        trainer.model.state_cache.hits = trainer.model.state_cache.misses = 0  # the table reports the timed steps only
    return trainer


def memory_child(method: str, config: str, batch_size: int, steps: int):
    "Train `steps` steps of `method` in this (fresh) process and print its peak memory while training, as JSON."
    trainer = make_trainer(method, config, batch_size)
    batches = trainer.batches()
    if trainer.device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(trainer.device)
        for _ in range(steps): trainer.train_step(batches)
        peak, kind = peak_memory_mb(trainer.device)
    elif reset_peak_rss():  # setup (loading the base and the data) peaks higher than training on the CPU
        for _ in range(steps): trainer.train_step(batches)
        peak, kind = peak_rss_mb(), "cpu_peak_rss_while_training"
    else:
        for _ in range(steps): trainer.train_step(batches)
        peak, kind = peak_memory_mb(trainer.device)
    print(json.dumps({"peak_memory_mb": peak, "peak_memory_kind": kind}))


def measure_memory(method: str, args) -> dict:
    cmd = [sys.executable, __file__, "--memory_child", method, "--config", args.config,
           "--batch_size", str(args.batch_size), "--steps", str(args.steps)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def ratio(value: float, reference: dict, key: str) -> str:
    return f"{value / reference[key]:.2f}" if reference else "n/a"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default="quickstart_cpu")
    p.add_argument("--methods", nargs="+", default=list(METHODS) + [CACHED],
                   help=f"methods to time; {CACHED} is trajectory LoRA with lora.state_cache_mb 256 after {CACHE_EPOCHS} "
                        "warm-up epochs over 4 batches")
    p.add_argument("--batch_size", type=int, default=64)
    p.add_argument("--rounds", type=int, default=5, help="round-robin passes over the methods")
    p.add_argument("--steps", type=int, default=4, help="training steps per method per round (and in the memory pass)")
    p.add_argument("--json", help="also write the table to this JSON file")
    p.add_argument("--memory_child", help=argparse.SUPPRESS)
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.memory_child:
        return memory_child(args.memory_child, args.config, args.batch_size, args.steps)

    trainers, train_s, decode_s = {}, {m: [] for m in args.methods}, {m: [] for m in args.methods}
    for m in args.methods:  # each method wraps its own base: baselines edit the base they wrap
        trainer = make_trainer(m, args.config, args.batch_size)
        trainers[m] = (trainer, trainer.batches(), next(iter(trainer.eval_data.loader(args.batch_size, shuffle=False))))
        trainer.train_step(trainers[m][1])  # warm-up step, not timed

    for _ in range(args.rounds):
        for m, (trainer, batches, eval_batch) in trainers.items():
            start = time.perf_counter()
            for _ in range(args.steps): trainer.train_step(batches)
            train_s[m].append((time.perf_counter() - start) / args.steps)
            start = time.perf_counter()
            decode_batch(trainer.model, eval_batch, trainer.cfg, torch.Generator().manual_seed(0))
            decode_s[m].append((time.perf_counter() - start) / args.batch_size)

    rows = []
    for m, (trainer, _, _) in trainers.items():
        s = trainable_summary(trainer.model)
        store = getattr(trainer.model, "state_cache", None)
        rows.append({"method": m, "cache_hit_rate": store.hits / max(store.hits + store.misses, 1) if store else None,
                     "trainable_params": s["trainable_params"], "trainable_percent": s["trainable_percent"],
                     "s_per_step": statistics.median(train_s[m]), "decode_ms_per_example": 1000 * statistics.median(decode_s[m])})
    del trainers
    for r in rows: r.update(measure_memory(r["method"], args))

    by_name = {r["method"]: r for r in rows}
    full, wlora = by_name.get("full_ft", {}), by_name.get("weight_lora", {})
    if CACHED in by_name: print(f"{CACHED}: cache hit rate {by_name[CACHED]['cache_hit_rate']:.3f} over the timed steps")
    print(f"batch {args.batch_size}, {args.rounds} rounds x {args.steps} steps, torch threads {torch.get_num_threads()}, "
          f"memory: {rows[0]['peak_memory_kind']} of a fresh process per method")
    print("| method | trainable % | s / step | x full_ft | x weight_lora | decode ms / example | peak MiB | x full_ft | x weight_lora |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['method']} | {r['trainable_percent']:.3f} | {r['s_per_step']:.3f} | {ratio(r['s_per_step'], full, 's_per_step')} "
              f"| {ratio(r['s_per_step'], wlora, 's_per_step')} | {r['decode_ms_per_example']:.2f} | {r['peak_memory_mb']:.0f} "
              f"| {ratio(r['peak_memory_mb'], full, 'peak_memory_mb')} | {ratio(r['peak_memory_mb'], wlora, 'peak_memory_mb')} |")
    if args.json:
        with open(args.json, "w") as f: json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
