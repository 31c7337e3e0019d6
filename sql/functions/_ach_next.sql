create or replace function stardust._ach_next(p_user_id bigint)
returns jsonb
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  -- per condition, the lowest threshold of the achievements this player has not unlocked
  -- (stored in users.ach_next by pull, which measures only when one may be reached)
  select coalesce(jsonb_object_agg(n.condition, n.threshold), '{}'::jsonb)
    from (select a.condition, min(a.threshold) as threshold
            from stardust.achievements a
           where not exists (select 1 from stardust.user_achievements ua
                              where ua.user_id = p_user_id and ua.key = a.key)
           group by a.condition) n
$$;
revoke all on function stardust._ach_next(bigint) from public;
comment on function stardust._ach_next(bigint) is
  'Internal: for each achievement condition, the lowest threshold the user has not unlocked '
  '(a jsonb object; a condition without one left is missing), for users.ach_next.';
