drop function if exists stardust.erase_user(bigint, text);
drop table stardust.erasures;
-- Without erasures, attacker_id and raid_attacks.user_id are NOT NULL again: the anonymised
-- history of erased players cannot be kept and is deleted (raids those players attacked
-- then show less damage dealt than the HP they lost).
delete from stardust.raid_attacks a where a.user_id is null;
delete from stardust.admin_grants g where g.user_id is null;
alter table stardust.admin_grants alter column user_id set not null;
delete from stardust.battles b where b.attacker_id is null;
alter table stardust.raid_attacks alter column user_id set not null;
alter table stardust.battles alter column attacker_id set not null;
