# An `evaluate` metric module shipped inside lora_diffusion, so that `evaluate.load(<this folder>)` works offline.
# It is package data, not generated from a notebook: edit this file directly. Write one import per line,
# because evaluate checks the imports of a module by reading its lines one at a time.
import datasets
import evaluate
from rouge_score import rouge_scorer

_DESCRIPTION = """
ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum F-measures from Google's rouge-score package, with its default
tokenizer (lowercase, every run of characters outside a-z and 0-9 is a separator) and the Porter stemmer.
ROUGE-Lsum treats each line as a sentence (it splits on newlines) and takes the union LCS over sentences; text
without newlines is one sentence, so ROUGE-Lsum then equals ROUGE-L. An example with several references scores
the reference with the highest F-measure, per ROUGE type. The corpus score is the mean F-measure over examples,
a fraction in [0, 1].
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: generated texts, one per example; put one sentence per line for ROUGE-Lsum.
    references: the reference texts of each example (at least one).
Returns:
    rouge1, rouge2, rougeL, rougeLsum: mean F-measures.
"""

_CITATION = """
@inproceedings{lin-2004-rouge,
  title = {{ROUGE}: A Package for Automatic Evaluation of Summaries},
  author = {Lin, Chin-Yew},
  booktitle = {Text Summarization Branches Out},
  year = {2004},
}
"""

_ROUGE_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


class Rouge(evaluate.Metric):
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
        scorer = rouge_scorer.RougeScorer(_ROUGE_TYPES, use_stemmer=True)
        totals = dict.fromkeys(_ROUGE_TYPES, 0.0)
        for prediction, refs in zip(predictions, references):
            best = scorer.score_multi(refs, prediction)
            for rouge_type in _ROUGE_TYPES:
                totals[rouge_type] += best[rouge_type].fmeasure
        return {rouge_type: total / len(predictions) for rouge_type, total in totals.items()}
