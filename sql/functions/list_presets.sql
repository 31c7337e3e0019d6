create or replace function stardust.list_presets(p_user_id bigint)
returns table (name text, inventory_ids bigint[], units text[], power bigint,
               missing integer, saved_at timestamptz)
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select stardust._valid_id(p_user_id);          -- SDARG: no user has this id
  select t.name, t.inventory_ids,
         array(select coalesce(c.name, '—') from unnest(t.inventory_ids) with ordinality x(id, o)
                 left join stardust.inventory i on i.id = x.id and i.user_id = t.user_id
                 left join stardust.characters c on c.anilist_id = i.anilist_id
                where x.id is not null order by x.o),
         (select coalesce(sum(stardust.unit_power(c.true_power, i.dupe_level, i.bond_level,
                                                  u.team_level)), 0)::bigint
            from stardust.inventory i
            join stardust.characters c on c.anilist_id = i.anilist_id
            join stardust.users u on u.user_id = i.user_id
           where i.id = any(t.inventory_ids) and i.user_id = t.user_id),
         (select count(*)::integer from unnest(t.inventory_ids) x
           where x is not null and not exists (select 1 from stardust.inventory i
                                                where i.id = x and i.user_id = t.user_id)),
         t.saved_at
    from stardust.team_presets t
   where t.user_id = p_user_id
   order by lower(t.name)
$$;
revoke all on function stardust.list_presets(bigint) from public;
grant execute on function stardust.list_presets(bigint) to stardust_bot;
comment on function stardust.list_presets(bigint) is
  E'The player''s presets with their units, their power now, and how many units are gone.\n'
  'select * from stardust.list_presets(p_user_id => 42);';
