"""Training-step and decoding time of every method on the same base and batches, measured in one process.

Methods take turns (round-robin), so that a noisy shared machine slows them all alike. The table reports medians
and each method's ratio to trajectory LoRA. Run from the repository root:

    python benchmarks/method_speed.py --rounds 5 --steps 4
"""
import argparse
import json
import logging
import statistics
import tempfile
import time

import torch

from lora_diffusion.config import load_config
from lora_diffusion.evaluation import decode_batch
from lora_diffusion.training import METHODS, Trainer, trainable_summary


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default="quickstart_cpu")
    p.add_argument("--methods", nargs="+", default=list(METHODS))
    p.add_argument("--batch_size", type=int, default=64)
    p.add_argument("--rounds", type=int, default=5, help="round-robin passes over the methods")
    p.add_argument("--steps", type=int, default=4, help="training steps per method per round")
    p.add_argument("--json", help="also write the table to this JSON file")
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)

    trainers, train_s, decode_s = {}, {m: [] for m in args.methods}, {m: [] for m in args.methods}
    for m in args.methods:  # each method wraps its own base: baselines edit the base they wrap
        cfg = load_config("sst2", m, args.config, {"training": {"output_dir": tempfile.mkdtemp() + "/run", "batch_size": args.batch_size}})
        trainer = Trainer(cfg)
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

    ref = "lora_diffusion" if "lora_diffusion" in trainers else args.methods[0]
    rows = []
    for m, (trainer, _, _) in trainers.items():
        s = trainable_summary(trainer.model)
        rows.append({"method": m, "trainable_params": s["trainable_params"], "trainable_percent": s["trainable_percent"],
                     "s_per_step": statistics.median(train_s[m]), "decode_ms_per_example": 1000 * statistics.median(decode_s[m])})
    base = {k: next(r[k] for r in rows if r["method"] == ref) for k in ("s_per_step", "decode_ms_per_example")}

    print(f"batch {args.batch_size}, {args.rounds} rounds x {args.steps} steps, torch threads {torch.get_num_threads()}")
    print(f"| method | trainable % | s / step | x {ref} | decode ms / example | x {ref} |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['method']} | {r['trainable_percent']:.3f} | {r['s_per_step']:.3f} | {r['s_per_step'] / base['s_per_step']:.2f} "
              f"| {r['decode_ms_per_example']:.2f} | {r['decode_ms_per_example'] / base['decode_ms_per_example']:.2f} |")
    if args.json:
        with open(args.json, "w") as f: json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
