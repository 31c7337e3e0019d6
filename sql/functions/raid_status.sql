create or replace function stardust.raid_status(p_guild_id bigint, p_user_id bigint default null)
returns table (raid_id bigint, name text, boss_hp bigint, hp bigint, starts_at timestamptz,
               ends_at timestamptz, ended_at timestamptz, killed_by bigint, attackers bigint,
               attacks bigint, end_due boolean, your_damage bigint, tickets_left integer)
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select stardust._valid_id(p_guild_id, 'server'), stardust._valid_id(p_user_id, 'user', true);
  -- the server's open raid, else its last one
  select r.id, r.name, r.boss_hp, r.hp, r.starts_at, r.ends_at, r.ended_at, r.killed_by,
         (select count(distinct a.user_id) from stardust.raid_attacks a where a.raid_id = r.id),
         (select count(*) from stardust.raid_attacks a where a.raid_id = r.id),
         r.ended_at is null and (r.hp = 0 or stardust._now() >= r.ends_at),
         (select coalesce(sum(a.damage), 0)::bigint from stardust.raid_attacks a
           where a.raid_id = r.id and a.user_id = p_user_id),
         case when p_user_id is not null then
           greatest(0, (stardust._setting('raid_tickets'))::integer
                       - (select count(*) from stardust.raid_attacks a
                           where a.user_id = p_user_id
                             and a.attacked_at >= date_trunc('day', stardust._now() at time zone 'UTC')
                                                  at time zone 'UTC'))::integer
         end
    from stardust.raids r
   where r.guild_id = p_guild_id
   order by r.ended_at is null desc, r.id desc
   limit 1
$$;
revoke all on function stardust.raid_status(bigint, bigint) from public;
grant execute on function stardust.raid_status(bigint, bigint) to stardust_bot;
comment on function stardust.raid_status(bigint, bigint) is
  E'The server''s open raid (else its last one): boss HP, time, attackers, whether end_raid '
  'is due, and for p_user_id their damage and tickets left today. No row: never a raid.\n'
  'select * from stardust.raid_status(p_guild_id => 1, p_user_id => 42);';
