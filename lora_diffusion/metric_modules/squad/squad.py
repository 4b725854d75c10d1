# An `evaluate` metric module shipped inside lora_diffusion, so that `evaluate.load(<this folder>)` works offline.
# It is package data, not generated from a notebook: edit this file directly. Write one import per line,
# because evaluate checks the imports of a module by reading its lines one at a time.
import collections
import re
import string

import datasets
import evaluate

_DESCRIPTION = """
SQuAD-style exact match and token F1 for extractive and open-domain QA. Both the prediction and each gold answer are
normalized as the official SQuAD v1.1 evaluation script does: lowercase, drop punctuation, drop the articles a, an
and the, and collapse whitespace. Each example scores the maximum over all its gold answers, and the corpus score
is the mean over examples. Scores are fractions in [0, 1] (the official script prints them times 100).
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: generated answers, one per example.
    references: all gold answers of each example (at least one).
Returns:
    exact_match: the mean over examples of the max exact match over gold answers.
    f1: the mean over examples of the max token F1 over gold answers.
"""

_CITATION = """
@inproceedings{rajpurkar-etal-2016-squad,
  title = {{SQ}u{AD}: 100,000+ Questions for Machine Comprehension of Text},
  author = {Rajpurkar, Pranav and Zhang, Jian and Lopyrev, Konstantin and Liang, Percy},
  booktitle = {Proceedings of EMNLP},
  year = {2016},
}
"""

_PUNCTUATION = set(string.punctuation)


def normalize_answer(text):
    "Lowercase, drop punctuation and the articles a/an/the, and collapse whitespace (SQuAD v1.1 order)."
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction, gold):
    return float(normalize_answer(prediction) == normalize_answer(gold))


def token_f1(prediction, gold):
    "Harmonic mean of token precision and recall after normalization; two empty answers count as a match."
    pred_tokens = normalize_answer(prediction).split()
    gold_tokens = normalize_answer(gold).split()
    if not pred_tokens or not gold_tokens:
        return float(pred_tokens == gold_tokens)
    common = collections.Counter(pred_tokens) & collections.Counter(gold_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0.0
    precision = num_same / len(pred_tokens)
    recall = num_same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


class Squad(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("string"), "references": datasets.Sequence(datasets.Value("string"))}
            ),
        )

    def _compute(self, predictions, references):
        em = [max(exact_match(p, g) for g in golds) for p, golds in zip(predictions, references)]
        f1 = [max(token_f1(p, g) for g in golds) for p, golds in zip(predictions, references)]
        return {"exact_match": sum(em) / len(em), "f1": sum(f1) / len(f1)}
