"""/raid status|attack|leaderboard (a server's raid boss; admins start raids in SQL)."""

from __future__ import annotations

import interactions
from interactions import slash_command

from bot.exts._base import StardustExtension
from bot.handlers import raid


class Raid(StardustExtension):
    @slash_command(name="raid", description="This server's raid boss", sub_cmd_name="status",
                   sub_cmd_description="The boss, its HP and your part")
    async def status(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, raid.raid_status, renders=True)

    # deferred although it draws no image: the killing blow also ends the raid and pays
    # every attacker, which may take longer than Discord's 3 s for a first answer
    @status.subcommand(sub_cmd_name="attack",
                       sub_cmd_description="Attack the boss with your team (a ticket each)")
    async def attack(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, raid.raid_attack, renders=True)

    @status.subcommand(sub_cmd_name="leaderboard", sub_cmd_description="Who dealt the most")
    async def leaderboard(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, raid.raid_leaderboard, renders=False)


def setup(bot, services) -> None:
    Raid(bot, services=services)
