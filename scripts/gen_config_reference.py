"""Write docs/config-reference.md from the configuration defaults (fairmot.config.reference).

python scripts/gen_config_reference.py
"""

from pathlib import Path

from fairmot.config.reference import config_reference_markdown
from fairmot.data.formats import atomic_write_text

PAGE = Path(__file__).resolve().parents[1] / "docs" / "config-reference.md"

if __name__ == "__main__":
    atomic_write_text(PAGE, config_reference_markdown())
    print(f"wrote {PAGE}")
