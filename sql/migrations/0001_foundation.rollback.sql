drop schema stardust cascade;

-- The role is cluster-wide: drop it unless another database of the cluster still uses it.
do $$
begin
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'stardust_bot') then
    begin
      drop owned by stardust_bot;
      drop role stardust_bot;
    exception when dependent_objects_still_exist or insufficient_privilege then
      raise notice 'role stardust_bot kept: %', sqlerrm;
    end;
  end if;
end
$$;
