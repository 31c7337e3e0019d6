"""yoyo post-apply hook: redeploy every sql/functions/*.sql after migrations were applied.

yoyo runs this only when a migration was pending; `stardust migrate` always redeploys.
"""

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from bot.migrate import deploy_functions  # noqa: E402


def _deploy(conn):
    deploy_functions(conn, _ROOT / "sql")


step(_deploy)  # noqa: F821 -- `step` is injected by yoyo
