# An `evaluate` metric module shipped inside lora_diffusion, so that `evaluate.load(<this folder>)` works offline.
# It is package data, not generated from a notebook: edit this file directly. Write one import per line,
# because evaluate checks the imports of a module by reading its lines one at a time.
import datasets
import evaluate
from sacrebleu.metrics import BLEU

_DESCRIPTION = """
Corpus-level SacreBLEU with its defaults (BLEU-4, 13a tokenization, case-sensitive, exponential smoothing), the
BLEU that WMT reports. Examples may have different numbers of references. The score is a fraction in [0, 1]
(SacreBLEU prints it times 100), and the SacreBLEU signature is returned with it so that a result states how it
was computed.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: detokenized system outputs, one per example.
    references: the detokenized references of each example (at least one).
Returns:
    sacrebleu: corpus BLEU as a fraction.
    sacrebleu_signature: the SacreBLEU signature string.
"""

_CITATION = """
@inproceedings{post-2018-call,
  title = {A Call for Clarity in Reporting {BLEU} Scores},
  author = {Post, Matt},
  booktitle = {Proceedings of the Third Conference on Machine Translation: Research Papers},
  year = {2018},
}
"""


def reference_streams(references):
    "Transpose per-example reference lists into SacreBLEU's reference streams, padding missing entries with None."
    num_streams = max(len(refs) for refs in references)
    return [[refs[j] if j < len(refs) else None for refs in references] for j in range(num_streams)]


class Sacrebleu(evaluate.Metric):
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
        bleu = BLEU()
        score = bleu.corpus_score(predictions, reference_streams(references))
        return {"sacrebleu": score.score / 100, "sacrebleu_signature": str(bleu.get_signature())}
