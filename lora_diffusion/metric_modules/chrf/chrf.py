# An `evaluate` metric module shipped inside lora_diffusion, so that `evaluate.load(<this folder>)` works offline.
# It is package data, not generated from a notebook: edit this file directly. Write one import per line,
# because evaluate checks the imports of a module by reading its lines one at a time.
import datasets
import evaluate
from sacrebleu.metrics import CHRF

_DESCRIPTION = """
Corpus-level chrF from SacreBLEU with its defaults (chrF2: character n-grams up to order 6, no word n-grams,
beta 2, case-sensitive, whitespace ignored). With several references, each example uses the reference with the
best sentence-level chrF, as SacreBLEU does. The score is a fraction in [0, 1] (SacreBLEU prints it times 100),
and the SacreBLEU signature is returned with it.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: detokenized system outputs, one per example.
    references: the detokenized references of each example (at least one).
Returns:
    chrf: corpus chrF as a fraction.
    chrf_signature: the SacreBLEU signature string.
"""

_CITATION = """
@inproceedings{popovic-2015-chrf,
  title = {chr{F}: character n-gram {F}-score for automatic {MT} evaluation},
  author = {Popović, Maja},
  booktitle = {Proceedings of the Tenth Workshop on Statistical Machine Translation},
  year = {2015},
}
"""


def reference_streams(references):
    "Transpose per-example reference lists into SacreBLEU's reference streams, padding missing entries with None."
    num_streams = max(len(refs) for refs in references)
    return [[refs[j] if j < len(refs) else None for refs in references] for j in range(num_streams)]


class Chrf(evaluate.Metric):
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
        chrf = CHRF()
        score = chrf.corpus_score(predictions, reference_streams(references))
        return {"chrf": score.score / 100, "chrf_signature": str(chrf.get_signature())}
