create or replace function stardust.set_character_skills(p_anilist_id integer, p_skills text[])
returns stardust.characters
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_unknown text;
  v_row     stardust.characters;
begin
  if array_ndims(p_skills) > 1 then          -- first: array_position refuses 2-D arrays
    raise exception 'Skills are a flat list' using errcode = 'SDARG',
      hint = 'p_skills => array[''Surge'']';
  end if;
  if p_skills is null or array_position(p_skills, null) is not null then
    raise exception 'Give a list of skill names (empty for none)' using errcode = 'SDARG',
      hint = 'p_skills => array[''Surge'']';
  end if;
  select s into v_unknown from unnest(p_skills) s
   where not exists (select 1 from stardust.skills k where k.name = s) limit 1;
  if v_unknown is not null then
    raise exception 'Unknown skill %', v_unknown using errcode = 'SDARG',
      hint = 'select name, description from stardust.skills;';
  end if;
  update stardust.characters c
     set ability_tags = array(select distinct s from unnest(p_skills) s order by s),
         is_overridden = true, updated_at = stardust._now()
   where c.anilist_id = p_anilist_id
  returning * into v_row;
  if not found then
    raise exception 'Character % is not in the catalogue', coalesce(p_anilist_id::text, 'NULL')
      using errcode = 'SDARG', hint = 'Import it first.';
  end if;
  return v_row;
end
$$;
revoke all on function stardust.set_character_skills(integer, text[]) from public;
comment on function stardust.set_character_skills(integer, text[]) is
  E'Admin: set a character''s skills; marks it overridden so catalogue refreshes keep them '
  '(and its rarity and power).\n'
  'select * from stardust.set_character_skills(176754, array[''Eternity'']);';
