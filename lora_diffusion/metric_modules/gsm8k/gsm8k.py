# An `evaluate` metric module shipped inside lora_diffusion, so that `evaluate.load(<this folder>)` works offline.
# It is package data, not generated from a notebook: edit this file directly. Write one import per line,
# because evaluate checks the imports of a module by reading its lines one at a time.
import re

import datasets
import evaluate

_DESCRIPTION = """
GSM8K accuracy of the final number. The gold answer is the number after the last `####` of the reference (GSM8K
solutions end with `#### <answer>`); a reference without `####` uses its last number. The predicted answer is the
last number in the generated text. Thousands separators are removed, a leading minus sign and a decimal part are
kept, and the two numbers are compared by value, so 18 and 18.0 match. A prediction with no number is wrong.
The score is a fraction in [0, 1].
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: generated solutions, one per example.
    references: a one-item list with the gold solution or final answer of each example.
Returns:
    gsm8k_accuracy: the fraction of examples whose last predicted number equals the gold number.
"""

_CITATION = """
@article{cobbe2021gsm8k,
  title = {Training Verifiers to Solve Math Word Problems},
  author = {Cobbe, Karl and Kosaraju, Vineet and Bavarian, Mohammad and others},
  journal = {arXiv preprint arXiv:2110.14168},
  year = {2021},
}
"""

# A number not glued to a preceding word character or dot: an optional minus, digits with optional comma
# thousands groups (1,234,567) and an optional decimal part, or a bare decimal such as .5.
_NUMBER = re.compile(r"(?<![\w.])-?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)")


def last_number(text):
    "The last number in `text` as a float, or None when it contains no number."
    found = _NUMBER.findall(text)
    return float(found[-1].replace(",", "")) if found else None


def gold_number(reference):
    "The number after the last `####`, or the last number of a reference without `####`."
    answer = reference.rsplit("####", 1)[-1]
    return last_number(answer)


class Gsm8k(evaluate.Metric):
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
        correct = 0
        for i, (prediction, refs) in enumerate(zip(predictions, references)):
            gold = gold_number(refs[0])
            if gold is None:
                raise ValueError(f"gsm8k references[{i}] contains no number: {refs[0][-80:]!r}")
            correct += last_number(prediction) == gold
        return {"gsm8k_accuracy": correct / len(predictions)}
