# An `evaluate` metric module shipped inside lora_diffusion, so that `evaluate.load(<this folder>)` works offline.
# It is package data, not generated from a notebook: edit this file directly. Write one import per line,
# because evaluate checks the imports of a module by reading its lines one at a time.
import datasets
import evaluate
from sacrebleu.metrics import BLEU

_DESCRIPTION = """
Lowercased corpus BLEU-4 over several references per example, for data-to-text and concept-to-text generation
(CommonGen, WikiBio). It is SacreBLEU's BLEU with lowercase=True (13a tokenization, exponential smoothing), so it
differs from `sacrebleu` only in ignoring case. Papers on these tasks often score with other BLEU scripts (for
example the COCO caption scorer with its own tokenizer), so compare with published numbers with care. The score is
a fraction in [0, 1], and the SacreBLEU signature is returned with it.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: generated texts, one per example.
    references: the references of each example (at least one; the count may vary between examples).
Returns:
    bleu: corpus BLEU-4 as a fraction.
    bleu_signature: the SacreBLEU signature string.
"""

_CITATION = """
@inproceedings{papineni-etal-2002-bleu,
  title = {{B}leu: a Method for Automatic Evaluation of Machine Translation},
  author = {Papineni, Kishore and Roukos, Salim and Ward, Todd and Zhu, Wei-Jing},
  booktitle = {Proceedings of ACL},
  year = {2002},
}
"""


def reference_streams(references):
    "Transpose per-example reference lists into SacreBLEU's reference streams, padding missing entries with None."
    num_streams = max(len(refs) for refs in references)
    return [[refs[j] if j < len(refs) else None for refs in references] for j in range(num_streams)]


class Bleu(evaluate.Metric):
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
        bleu = BLEU(lowercase=True)
        score = bleu.corpus_score(predictions, reference_streams(references))
        return {"bleu": score.score / 100, "bleu_signature": str(bleu.get_signature())}
