create or replace function stardust._bounty_board(p_guild_id bigint)
returns bigint
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- The guild's current board, made by the first caller after the last one expired: under
-- the guild row's lock, checked again, so concurrent readers produce one board. Boards are
-- aligned to the period (a new one every bounty_board_minutes, from midnight UTC).
declare
  v_board   bigint;
  v_expires timestamptz;
  v_minutes integer := (stardust._setting('bounty_board_minutes'))::integer;
  v_powers  jsonb := stardust._setting('bounty_power');
  v_ur      double precision := (stardust._setting('bounty_ur_chance'))::double precision;
  v_start   timestamptz;
  v_day     timestamptz;   -- midnight UTC (not the session's time zone)
  v_tier    text;
  v_lo      bigint;
  v_hi      bigint;
begin
  if p_guild_id is null or p_guild_id <= 0 then
    raise exception 'Invalid guild id %', coalesce(p_guild_id::text, 'NULL')
      using errcode = 'SDARG', hint = 'Bounty boards belong to a Discord server.';
  end if;
  select g.board_id, b.expires_at into v_board, v_expires
    from stardust.guilds g left join stardust.bounty_boards b on b.id = g.board_id
   where g.guild_id = p_guild_id;
  if v_board is not null and v_expires > stardust._now() then
    return v_board;                                     -- the common case: no lock
  end if;
  insert into stardust.guilds (guild_id) values (p_guild_id) on conflict do nothing;
  select g.board_id into v_board from stardust.guilds g where g.guild_id = p_guild_id for no key update;
  select b.expires_at into v_expires from stardust.bounty_boards b where b.id = v_board;
  if v_board is not null and v_expires > stardust._now() then
    return v_board;                                     -- another reader just made it
  end if;
  v_day   := date_trunc('day', stardust._now() at time zone 'UTC') at time zone 'UTC';
  v_start := v_day + floor(extract(epoch from stardust._now() - v_day) / (60 * v_minutes))
                     * make_interval(mins => v_minutes);
  insert into stardust.bounty_boards (guild_id, starts_at, expires_at)
  values (p_guild_id, v_start, v_start + make_interval(mins => v_minutes))
  returning id into v_board;
  for v_slot in 1 .. 3 loop
    v_tier := case when random() < v_ur then 'UR'
                   else (array['R', 'SR', 'SSR'])[1 + floor(random() * 3)::integer] end;
    v_lo := (v_powers -> v_tier ->> 0)::bigint;
    v_hi := (v_powers -> v_tier ->> 1)::bigint;
    insert into stardust.bounty_slots (board_id, slot, tier, enemy_power)
    values (v_board, v_slot, v_tier, v_lo + floor(random() * (v_hi - v_lo + 1))::bigint);
  end loop;
  update stardust.guilds g set board_id = v_board where g.guild_id = p_guild_id;
  return v_board;
end
$$;
revoke all on function stardust._bounty_board(bigint) from public;
comment on function stardust._bounty_board(bigint) is
  'Internal: the guild''s current bounty board id, generating a new one (under the guild '
  'row lock) when the last has expired: 3 slots, tiers R/SR/SSR uniform, 1 % UR.';
