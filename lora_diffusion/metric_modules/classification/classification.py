# An `evaluate` metric module shipped inside lora_diffusion, so that `evaluate.load(<this folder>)` works offline.
# It is package data, not generated from a notebook: edit this file directly. Write one import per line,
# because evaluate checks the imports of a module by reading its lines one at a time.
import datasets
import evaluate
from sklearn.metrics import f1_score

_DESCRIPTION = """
Accuracy and macro-F1 of generated class words. A prediction is correct only if the generated text, stripped of
surrounding whitespace, equals the reference word exactly. Any other text is an invalid prediction: it is wrong
for accuracy and a false negative of its true class for macro-F1. Scores are fractions in [0, 1].
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: generated texts, one per example.
    references: a one-item list with the gold class word of each example.
    classes: the class words to average F1 over; defaults to the sorted set of reference words.
Returns:
    accuracy: the fraction of exact matches.
    macro_f1: the unweighted mean of the per-class F1 over `classes`.
"""

_INVALID = "\0invalid"  # stands in for any output that is not a class word, and is never itself a class


class Classification(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("string"), "references": datasets.Sequence(datasets.Value("string"))}
            ),
        )

    def _compute(self, predictions, references, classes=None):
        for i, refs in enumerate(references):
            if len(refs) != 1:
                raise ValueError(f"classification references[{i}] has {len(refs)} entries; give exactly one class word")
        gold = [refs[0].strip() for refs in references]
        classes = sorted(set(gold)) if classes is None else list(classes)
        unknown = sorted(set(gold) - set(classes))
        if unknown:
            raise ValueError(f"reference class words {unknown} are not in classes {classes}; add them to classes")
        predicted = [p.strip() if p.strip() in classes else _INVALID for p in predictions]
        accuracy = sum(p == g for p, g in zip(predicted, gold)) / len(gold)
        macro_f1 = f1_score(gold, predicted, labels=classes, average="macro", zero_division=0)
        return {"accuracy": float(accuracy), "macro_f1": float(macro_f1)}
