"""Linear probe of SST-2 sentiment on each layer of a base: which hidden states carry the label.

For every hidden layer (0 is the embeddings) it fits logistic regression on two feature sets of the training
sentences, with the answer slot masked as in training: the prompt states mean-pooled, and the state at the masked
answer position. It prints validation accuracy per layer. Run from the repository root:

    python benchmarks/layer_probe.py --train_examples 3000
"""
import argparse

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression

from lora_diffusion.backbones import load_backbone
from lora_diffusion.config import load_config
from lora_diffusion.data import TaskData, load_split, take_subset


@torch.no_grad()
def features(base, data: TaskData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    "Pooled prompt states and answer-slot states, each (layers + 1, N, D), and the labels (N,)."
    pooled, slot, labels = [], [], []
    for batch in data.loader(128, shuffle=False):
        x = batch["input_ids"].masked_fill(batch["target_mask"], base.mask_token_id)
        out = base.model.base_model(input_ids=x, attention_mask=batch["attention_mask"],
                                    token_type_ids=batch["token_type_ids"], output_hidden_states=True)
        prompt = ((batch["token_type_ids"] == 0) & (batch["attention_mask"] == 1)).float()[..., None]  # (B, L, 1)
        pooled.append(torch.stack([(h * prompt).sum(1) / prompt.sum(1) for h in out.hidden_states]))  # (layers + 1, B, D)
        slot.append(torch.stack([h[batch["target_mask"]] for h in out.hidden_states]))
        labels += batch["labels"].tolist()
    return torch.cat(pooled, 1).numpy(), torch.cat(slot, 1).numpy(), np.array(labels)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default="quickstart_cpu")
    p.add_argument("--train_examples", type=int, default=3000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--base", default=None, help="base name or folder (default: the base that --config selects)")
    args = p.parse_args()
    cfg = load_config("sst2", "lora_diffusion", args.config,
                      overrides={"model": {"name_or_path": args.base}} if args.base else None)
    base = load_backbone(cfg.model)
    train = TaskData(cfg.task, take_subset(load_split(cfg.task, cfg.data, "train"), args.train_examples, args.seed), base.tokenizer)
    valid = TaskData(cfg.task, load_split(cfg.task, cfg.data, "validation"), base.tokenizer)
    train_pooled, train_slot, y_train = features(base, train)
    valid_pooled, valid_slot, y_valid = features(base, valid)
    print(f"| layer | pooled prompt states | answer-slot state |  ({args.train_examples} training sentences, {len(y_valid)} validation)")
    print("|---|---|---|")
    for layer in range(train_pooled.shape[0]):
        scores = [LogisticRegression(max_iter=2000).fit(tr[layer], y_train).score(va[layer], y_valid)
                  for tr, va in ((train_pooled, valid_pooled), (train_slot, valid_slot))]
        print(f"| {layer} | {100 * scores[0]:.1f}% | {100 * scores[1]:.1f}% |", flush=True)


if __name__ == "__main__":
    main()
