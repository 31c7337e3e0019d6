"""/checkin, /tasks view|claim, /achievements, /leaderboard."""

from __future__ import annotations

import interactions
from interactions import OptionType, SlashCommandChoice, slash_command, slash_option

from bot.exts._base import StardustExtension, someone
from bot.handlers import progress


class Progress(StardustExtension):
    @slash_command(name="checkin", description="Your daily check-in: gems and a streak")
    async def checkin(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, progress.checkin, renders=False)

    @slash_command(name="tasks", description="Today's battle tasks", sub_cmd_name="view",
                   sub_cmd_description="What each task pays, what is done and claimed")
    async def tasks_view(self, ctx: interactions.SlashContext) -> None:
        await self.run(ctx, progress.tasks_view, renders=False)

    @tasks_view.subcommand(sub_cmd_name="claim",
                           sub_cmd_description="Claim a done task (default: every done task)")
    @slash_option("task", "Which task (default: all that are done)", OptionType.STRING,
                  choices=[SlashCommandChoice(name=t, value=t) for t in progress.TASKS])
    async def tasks_claim(self, ctx: interactions.SlashContext, task: str | None = None) -> None:
        await self.run(ctx, progress.tasks_claim, renders=False, task=task)

    @slash_command(name="achievements", description="Your achievements and progress")
    @slash_option("user", "Another player to look at (default: you)", OptionType.USER)
    async def achievements(self, ctx: interactions.SlashContext,
                           user: interactions.User | None = None) -> None:
        await self.run(ctx, progress.achievements, renders=False, **someone(user))

    @slash_command(name="leaderboard", description="The top players")
    @slash_option("kind", "Ranked by (default: team power)", OptionType.STRING,
                  choices=[SlashCommandChoice(name=title.lower(), value=kind)
                           for kind, (title, _) in progress.LEADERBOARDS.items()])
    async def leaderboard(self, ctx: interactions.SlashContext,
                          kind: str = "team_power") -> None:
        await self.run(ctx, progress.leaderboard, renders=False, kind=kind)


def setup(bot, services) -> None:
    Progress(bot, services=services)
