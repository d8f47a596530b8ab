"""A Rasa NLU component: Rasa's CountVectorsFeaturizer, computing sentence features only.

Rasa's featurizer transforms every message twice: token by token (sequence features, for components that
tag tokens from them, such as DIET) and as a whole (sentence features). In this pipeline nothing reads the
sequence features: LogisticRegressionClassifier classifies from the sentence features, and the CRF tags from
its own token features (word, affixes, digits, the RegexFeaturizer's patterns). Computing them was a fifth
of the Rasa server's NLU time under load (py-spy). The sentence features are Rasa's, to the bit.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from scipy.sparse import spmatrix


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    def _create_features(
        self, attribute: str, all_tokens: list[list[str]]
    ) -> tuple[list[spmatrix | None], list[spmatrix | None]]:
        if not self.vectorizers.get(attribute):
            return [None], [None]
        sentence_features: list[spmatrix | None] = []
        for tokens in all_tokens:
            if not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                sentence_features.append(None)
                continue
            sentence = self.vectorizers[attribute].transform([" ".join(tokens)])
            sentence.sort_indices()
            sentence_features.append(sentence.tocoo())
        return [None] * len(all_tokens), sentence_features
