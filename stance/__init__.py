"""stance: who stands where on China, Russia and Taiwan, from news and diplomatic text.

The public interface is listed in ``__all__``. Submodules are imported on first use, so
``import stance`` stays fast and does not load scikit-learn or pandas until they are needed.

Examples
--------
>>> import stance
>>> [m.code for m in stance.find_actors("Beijing warned Taipei.")]
['CHN', 'TWN']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

#: public name -> submodule that defines it
_EXPORTS = {
    "Mention": "actors",
    "Gazetteer": "actors",
    "find_actors": "actors",
    "load_gazetteer": "actors",
    "Sentence": "text",
    "normalize": "text",
    "split_sentences": "text",
    "StanceModel": "model",
    "Evaluation": "model",
    "build_pipeline": "model",
    "default_corpus": "model",
    "evaluate": "model",
    "explain": "model",
    "load_model": "model",
    "train": "model",
    "AnalysedSentence": "sentence",
    "load_role_rules": "roles",
    "analyze": "analysis",
    "analyze_files": "analysis",
    "RunReport": "report",
    "profile": "profiles",
    "profile_table": "profiles",
    "compare": "profiles",
    "sample_for_annotation": "annotation",
    "panel": "panels",
    "edges": "panels",
}

__all__ = ["__version__", "plots", *sorted(_EXPORTS)]

if TYPE_CHECKING:  # pragma: no cover
    from . import plots
    from .actors import Gazetteer, Mention, find_actors, load_gazetteer
    from .analysis import analyze, analyze_files
    from .annotation import sample_for_annotation
    from .model import (
        Evaluation,
        StanceModel,
        build_pipeline,
        default_corpus,
        evaluate,
        explain,
        load_model,
        train,
    )
    from .panels import edges, panel
    from .profiles import compare, profile, profile_table
    from .report import RunReport
    from .roles import load_role_rules
    from .sentence import AnalysedSentence
    from .text import Sentence, normalize, split_sentences


def __getattr__(name: str) -> Any:
    if name in ("plots", "dask"):
        return importlib.import_module(f".{name}", __name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stance' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
