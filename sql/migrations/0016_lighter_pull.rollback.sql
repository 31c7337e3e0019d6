drop trigger if exists achievements_ach_next_reset on stardust.achievements;
drop function if exists stardust._ach_next_reset();
drop function if exists stardust._ach_next(bigint);
alter table stardust.users drop column if exists ach_next;
