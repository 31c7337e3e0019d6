create or replace function stardust._forget_in(p_doc jsonb, p_user_id bigint)
returns jsonb
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  -- The top level of a JSON object with an erased player taken out: a member whose value is
  -- the player's id (as a number or as a string) keeps its key with the value null, and
  -- members that hold a name (name, *_name, nick, username, mention, avatar) are removed.
  -- Anything that is not an object is returned as it is.
  select case
           when jsonb_typeof(p_doc) = 'object' then
             coalesce((select jsonb_object_agg(e.key,
                                case when e.value in (to_jsonb(p_user_id),
                                                      to_jsonb(p_user_id::text))
                                     then 'null'::jsonb else e.value end)
                         from jsonb_each(p_doc) e
                        where e.key !~ '^(.+_)?(name|nick|nickname|username|mention|avatar)$'),
                      '{}'::jsonb)
           else p_doc
         end
$$;
revoke all on function stardust._forget_in(jsonb, bigint) from public;
comment on function stardust._forget_in(jsonb, bigint) is
  'Internal (erase_user): a JSON object''s top level with the player''s id set to null and '
  'names removed.';
