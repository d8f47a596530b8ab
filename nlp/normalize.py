"""A Rasa NLU component: scale each message's sparse sentence features to unit length.

Rasa's count-vector features of a sentence are raw counts, so a long story ("俺娘七十了，跟俺弟在苏州住…")
has large features and a linear classifier's scores grow with its length: long messages in-scope were read
as out of scope because the long examples the classifier had seen were out-of-scope ones. Scaling every
featurizer's sentence features to unit L2 length (as TF-IDF pipelines do) keeps what a message says and drops
how long it is. Sequence features are left as they are.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, spmatrix


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceFeatureNormalizer(GraphComponent):
    def __init__(self, length: float) -> None:
        self.length = length

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # the length to scale to: Rasa's logistic regression has no setting for its regularisation, and
        # unit-length features leave it so regularised that every confidence is flat
        return {"length": 1.0}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceFeatureNormalizer:
        return cls(float({**cls.get_default_config(), **config}["length"]))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            for features in message.features:
                if features.type == FEATURE_TYPE_SENTENCE and features.is_sparse():
                    features.features = unit_rows(features.features, self.length)
        return messages


def unit_rows(matrix: spmatrix, length: float = 1.0) -> csr_matrix:
    """Each row scaled to unit L2 length, then by `length` (in place: a scalar product would build one more
    sparse matrix), rows of zeros left as they are: what
    `sklearn.preprocessing.normalize(matrix, norm="l2")` returns (to the last bit or two: the same sums
    in the same order, where sklearn's compiled loop may fuse a multiply and add), without its input
    checks, which cost more than the sum itself on a one-row matrix."""
    rows = csr_matrix(matrix, dtype="float64", copy=True)
    data, starts = rows.data, rows.indptr
    for row in range(rows.shape[0]):
        squares = 0.0
        for value in data[starts[row] : starts[row + 1]].tolist():
            squares += value * value
        if squares:
            data[starts[row] : starts[row + 1]] /= squares**0.5
    data *= length
    return rows
