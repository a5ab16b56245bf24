"""Shared data model and settings: the plain data every step passes along.

Importing this package turns off every third-party phone-home switch (Chroma telemetry,
Gradio analytics, Hugging Face hub access): no data about users leaves the machine, and no
model is fetched at run time.
"""

import os

for _name, _value in {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}.items():
    os.environ.setdefault(_name, _value)
