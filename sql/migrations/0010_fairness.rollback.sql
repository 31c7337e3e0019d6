-- Drop the functions that use what 0010 created (redeployed by the next migrate).
do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_catalog.pg_proc p
     where p.pronamespace = 'stardust'::regnamespace
       and (p.prosrc ~ '\m(server_seeds|client_seed|rate_up_pick|_hmac_sha256|_hmac_pads|_active_seed|_new_server_seed)\M'
            or p.prorettype = 'stardust.pull_result'::regtype
            or p.proname in ('_draw', '_award', 'pull_history', 'rotate_seed', 'revealed_seeds',
                             'fairness', 'set_client_seed', '_hmac_sha256', '_hmac_pads',
                             '_active_seed', '_new_server_seed', 'catalogue_pool'))
  loop
    execute format('drop function %s', f);
  end loop;
end
$$;
alter type stardust.pull_result
  drop attribute rate_up_pick,
  drop attribute pool_idx,
  drop attribute pool_size,
  drop attribute client_seed,
  drop attribute nonce,
  drop attribute seed_id;
alter table stardust.users
  drop column client_seed,
  drop column nonce;
drop table stardust.server_seeds;
