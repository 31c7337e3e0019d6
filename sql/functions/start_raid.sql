create or replace function stardust.start_raid(
  p_guild_id bigint,
  p_name     text,
  p_boss_hp  bigint,
  p_ends_at  timestamptz)
returns stardust.raids
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_open stardust.raids;
  v_row  stardust.raids;
begin
  if p_guild_id is null or p_guild_id <= 0 then
    raise exception 'A raid belongs to a server: p_guild_id is a positive server id'
      using errcode = 'SDARG', hint = 'The server (guild) id, as Discord shows it.';
  end if;
  if p_name is null or length(btrim(p_name)) not between 1 and 100 then
    raise exception 'The boss needs a name of 1 to 100 characters' using errcode = 'SDARG',
      hint = 'p_name => ''The Onyx Moon''';
  end if;
  if p_boss_hp is null or p_boss_hp < 1 then
    raise exception 'Boss HP must be at least 1' using errcode = 'SDARG',
      hint = 'A strong team deals about 100,000 a hit; p_boss_hp => 5000000';
  end if;
  if p_ends_at is null or p_ends_at <= stardust._now() then
    raise exception 'The raid must end in the future' using errcode = 'SDARG',
      hint = 'p_ends_at => now() + interval ''3 days''';
  end if;
  insert into stardust.guilds (guild_id) values (p_guild_id) on conflict do nothing;
  select * into v_open from stardust.raids r where r.guild_id = p_guild_id and r.ended_at is null;
  if found then
    raise exception 'Server % already has a raid: #% %', p_guild_id, v_open.id, v_open.name
      using errcode = 'SDDON',
            hint = format('End it first: select * from stardust.end_raid(%s, p_force => true);',
                          v_open.id);
  end if;
  begin
    insert into stardust.raids (guild_id, name, boss_hp, hp, ends_at)
    values (p_guild_id, btrim(p_name), p_boss_hp, p_boss_hp, p_ends_at)
    returning * into v_row;
  exception when unique_violation then
    raise exception 'Server % already has a raid', p_guild_id using errcode = 'SDDON',
      hint = 'Another one was started just now.';
  end;
  return v_row;
end
$$;
revoke all on function stardust.start_raid(bigint, text, bigint, timestamptz) from public;
comment on function stardust.start_raid(bigint, text, bigint, timestamptz) is
  E'Admin: start a raid in a server: a boss with p_boss_hp HP shared by all its players until '
  'p_ends_at; one open raid per server. SDARG bad argument, SDDON one is already open.\n'
  'select * from stardust.start_raid(p_guild_id => 1, p_name => ''The Onyx Moon'', '
  'p_boss_hp => 5000000, p_ends_at => now() + interval ''3 days'');';
