create or replace function stardust.expedition_status(p_user_id bigint)
returns table (started_at timestamptz, last_claim_at timestamptz, units text[], power bigint,
               gems_per_hour numeric, multiplier numeric, hours numeric, accrued_gems bigint,
               accrued_xp bigint, next_claim_at timestamptz)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_exp stardust.expeditions;
  v_y   record;
begin
  perform stardust._valid_id(p_user_id);         -- SDARG: no user has this id
  select * into v_exp from stardust.expeditions e where e.user_id = p_user_id;
  if not found then
    return;
  end if;
  v_y := stardust._expedition_yield(p_user_id, v_exp.last_claim_at, stardust._now());
  return query select v_exp.started_at, v_exp.last_claim_at,
    array(select c.name from stardust.inventory i join stardust.characters c using (anilist_id)
           where i.user_id = p_user_id and i.expedition_slot is not null
           order by i.expedition_slot),
    v_y.o_power, round(v_y.o_per_hour, 1), round(v_y.o_mult, 4), round(v_y.o_hours, 3),
    v_y.o_gems, v_y.o_xp,
    v_exp.last_claim_at + make_interval(
      secs => (stardust._setting('expedition_min_claim_seconds'))::integer);
end
$$;
revoke all on function stardust.expedition_status(bigint) from public;
grant execute on function stardust.expedition_status(bigint) to stardust_bot;
comment on function stardust.expedition_status(bigint) is
  E'The running expedition: units, power, gems per hour and multiplier, what has accrued '
  '(at most 24 h) and when it can be claimed. No row without an expedition.\n'
  'select * from stardust.expedition_status(p_user_id => 42);';
