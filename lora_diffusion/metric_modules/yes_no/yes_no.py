# An `evaluate` metric module shipped inside lora_diffusion, so that `evaluate.load(<this folder>)` works offline.
# It is package data, not generated from a notebook: edit this file directly. Write one import per line,
# because evaluate checks the imports of a module by reading its lines one at a time.
import re

import datasets
import evaluate

_DESCRIPTION = """
Yes/no accuracy for boolean questions such as StrategyQA. The first word of the prediction and of the reference,
lowercased and stripped of punctuation, is mapped to an answer: yes or true means yes, no or false means no. A
prediction whose first word is neither is invalid and counts as wrong; a reference that is neither is an error.
The score is a fraction in [0, 1].
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: generated answers, one per example.
    references: a one-item list with the gold answer of each example (yes, no, true or false).
Returns:
    yes_no_accuracy: the fraction of examples whose normalized prediction equals the gold answer.
"""

_ANSWERS = {"yes": "yes", "true": "yes", "no": "no", "false": "no"}


def yes_no(text):
    "yes, no, or None when the first word of `text` is not a yes/no word."
    words = re.findall(r"[a-z]+", text.lower())
    return _ANSWERS.get(words[0]) if words else None


class YesNo(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("string"), "references": datasets.Sequence(datasets.Value("string"))}
            ),
        )

    def _compute(self, predictions, references):
        correct = 0
        for i, (prediction, refs) in enumerate(zip(predictions, references)):
            gold = yes_no(refs[0])
            if gold is None:
                raise ValueError(f"yes_no references[{i}] is {refs[0]!r}; expected yes, no, true or false")
            correct += yes_no(prediction) == gold
        return {"yes_no_accuracy": correct / len(predictions)}
