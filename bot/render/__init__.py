"""Image renderers: rows in, PNG bytes out. Pure functions, safe to run in a worker thread
(`await asyncio.to_thread(render.pull_result, units, art)`).

Art is never fetched here: every function that draws a character takes
`art: Mapping[str, bytes]`, image URL -> the downloaded file's bytes; a unit whose
image_url is None, missing from `art` or undecodable gets a generated placeholder.
Text is drawn with DejaVu Sans, each character it lacks with Noto Sans CJK (Japanese,
Chinese, Korean) or the colour emoji font when installed (otherwise as a box), shrunk and
then ellipsized to fit its box; no string makes a renderer raise.
"""

from ._banner import banner
from ._battle import battle_result
from ._bounty import bounty_board
from ._profile import profile_card
from ._pull import pull_result
from ._raid import raid_card
from ._shop import daily_shop
from ._team import team_card
from ._unit import inventory_page, unit_card

__all__ = ["banner", "battle_result", "bounty_board", "daily_shop", "inventory_page",
           "profile_card", "pull_result", "raid_card", "team_card", "unit_card"]
