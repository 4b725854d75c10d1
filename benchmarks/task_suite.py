"""Train trajectory LoRA on every task that has local training data, at one small budget, and score a trivial baseline.

For each task the script trains with the quick-start base and settings (`quickstart_cpu`) and decodes a seeded sample
of the evaluation split. It then scores the task's trivial baseline (majority class, lead-1, source copied, ...) on
the same examples with the same metrics. It writes `<output_dir>/<task>/metrics.json`, the predictions, and
`<output_dir>/summary.json`, which `nbs/09d_task_results.ipynb` renders. Run from the repository root:

    python benchmarks/task_suite.py --output_dir nbs/results/tasks
"""
import argparse
import json
import logging
import platform
import subprocess
import time
from pathlib import Path

import torch

from lora_diffusion.config import load_config
from lora_diffusion.data import DataError, example_references, load_split, resolve_split_file, take_subset
from lora_diffusion.evaluation import score_texts, trivial_predictions
from lora_diffusion.training import Trainer

TASKS = ["sst2", "agnews", "trec", "strategyqa", "squad", "gsm8k", "wmt14_enfr", "commongen"]


def has_local_training_data(task: str) -> bool:
    cfg = load_config(task)
    try: resolve_split_file(cfg.task, cfg.data, cfg.task.train_split)
    except DataError: return False
    return True


def budget_overrides(args, output_dir: Path) -> dict:
    return {"training": {"max_steps": args.max_steps, "batch_size": args.batch_size, "warmup_steps": args.max_steps // 10,
                         "eval_frequency": 0, "log_frequency": 50, "seed": args.seed, "output_dir": str(output_dir),
                         "overwrite_output_dir": True},
            "data": {"subset_size": args.train_examples, "eval_max_examples": args.eval_examples},
            "sampling": {"num_steps": args.sampler_steps},
            **({"model": {"name_or_path": args.base}} if args.base else {})}


def run_task(task: str, args) -> dict:
    out = Path(args.output_dir) / task
    cfg = load_config(task, "lora_diffusion", "quickstart_cpu", budget_overrides(args, out))
    start = time.perf_counter()
    trainer = Trainer(cfg)
    metrics = trainer.run()
    wall = time.perf_counter() - start

    train_rows = load_split(cfg.task, cfg.data, cfg.task.train_split)
    eval_rows = take_subset(load_split(cfg.task, cfg.data, cfg.task.eval_split), cfg.data.eval_max_examples, cfg.training.seed)
    name, texts = trivial_predictions(cfg, train_rows, eval_rows)
    labels = [r[cfg.task.label_column] for r in eval_rows] if cfg.task.type == "classification" else None
    references = [example_references(cfg.task, r) for r in eval_rows]
    baseline, _ = score_texts(cfg, texts, references, labels)
    score_keys = ["decoded_accuracy", "macro_f1", "invalid_rate"] if labels is not None else list(cfg.task.metrics)
    return {"task": task, "type": cfg.task.type, "split": cfg.task.eval_split, "num_examples": metrics["num_examples"],
            "metrics": {k: metrics[k] for k in score_keys}, "trivial_baseline": name,
            "trivial_metrics": {k: baseline[k] for k in score_keys}, "nfe_mean": metrics["nfe_mean"],
            "tokens_per_s": metrics["tokens_per_s"], "seconds_per_step": metrics["seconds_per_step"], "wall_seconds": wall}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--output_dir", default="nbs/results/tasks")
    p.add_argument("--tasks", nargs="+", default=TASKS)
    p.add_argument("--max_steps", type=int, default=200)
    p.add_argument("--batch_size", type=int, default=16)
    p.add_argument("--train_examples", type=int, default=2000, help="seeded training sample per task")
    p.add_argument("--eval_examples", type=int, default=100, help="seeded sample of the evaluation split per task")
    p.add_argument("--sampler_steps", type=int, default=32, help="sampler steps T at evaluation")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--base", default=None, help="base name or folder (default: the base that quickstart_cpu selects)")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    missing = [t for t in args.tasks if not has_local_training_data(t)]
    if missing: raise SystemExit(f"error: no local training data for {', '.join(missing)}; drop them from --tasks.")

    rows = []
    for task in args.tasks:
        rows.append(run_task(task, args))
        logging.info("%s: %s (trivial: %s)", task, rows[-1]["metrics"], rows[-1]["trivial_metrics"])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    summary = {"budget": {k: getattr(args, k) for k in ("max_steps", "batch_size", "train_examples", "eval_examples",
                                                         "sampler_steps", "seed")},
               "config": "quickstart_cpu", "commit": commit, "hardware": f"{platform.processor() or platform.machine()}, "
               f"{torch.get_num_threads()} torch threads, torch {torch.__version__}", "tasks": rows}
    path = Path(args.output_dir) / "summary.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(summary, indent=2) + "\n")
    tmp.replace(path)
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
