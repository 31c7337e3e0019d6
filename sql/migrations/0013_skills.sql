-- Skills as SKILLS.md says (issue 13, 3): The Long Road does not stack (+24 % x
-- min(hours, 24)/24 once, however many deployed units carry it); _expedition_yield now
-- honours skills.stacks.

update stardust.skills set stacks = false where name = 'The Long Road';
