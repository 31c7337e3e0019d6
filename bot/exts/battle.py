"""/battle npc, /battle pvp, /battle log, /bounty board, /bounty fight."""

from __future__ import annotations

import interactions
from interactions import OptionType, SlashCommandChoice, slash_command, slash_option

from bot.exts._base import StardustExtension
from bot.handlers import battle as fights


class Battle(StardustExtension):
    @slash_command(name="battle", description="Fight with your team", sub_cmd_name="npc",
                   sub_cmd_description="Fight an NPC team (daily tasks count wins)")
    @slash_option("difficulty", "How hard", OptionType.STRING, required=True,
                  choices=[SlashCommandChoice(name=d, value=d) for d in fights.DIFFICULTIES])
    async def npc(self, ctx: interactions.SlashContext, difficulty: str) -> None:
        await self.run(ctx, fights.npc, renders=True, difficulty=difficulty)

    @npc.subcommand(sub_cmd_name="pvp", sub_cmd_description="Fight another player's team")
    @slash_option("opponent", "Who", OptionType.USER, required=True)
    async def pvp(self, ctx: interactions.SlashContext, opponent: interactions.User) -> None:
        await self.run(ctx, fights.pvp, renders=True, opponent=int(opponent.id),
                       opponent_name=getattr(opponent, "display_name", None)
                       or getattr(opponent, "username", None))

    @npc.subcommand(sub_cmd_name="log", sub_cmd_description="Why a battle ended as it did")
    @slash_option("battle", "The battle number", OptionType.INTEGER, required=True)
    async def log(self, ctx: interactions.SlashContext, battle: int) -> None:
        await self.run(ctx, fights.log, renders=False, battle=battle)

    @slash_command(name="bounty", description="The server's bounty board", sub_cmd_name="board",
                   sub_cmd_description="This hour's three bounties")
    async def board(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, fights.bounty_board, renders=True)

    @board.subcommand(sub_cmd_name="fight", sub_cmd_description="Fight a bounty (costs a key)")
    @slash_option("slot", "Which bounty", OptionType.INTEGER, required=True,
                  choices=[SlashCommandChoice(name=str(i), value=i) for i in (1, 2, 3)])
    async def fight(self, ctx: interactions.SlashContext, slot: int) -> None:
        await self.run(ctx, fights.bounty_fight, renders=True, slot=slot)


def setup(bot, services) -> None:
    Battle(bot, services=services)
