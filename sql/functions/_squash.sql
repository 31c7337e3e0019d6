create or replace function stardust._squash(p_raw numeric, p_soft numeric, p_hard numeric)
returns numeric
language sql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- raw up to soft unchanged; above it, approaches hard asymptotically (DESIGN.md
  -- "Catalogue"). 1 - 1/(1 + r) with r = (raw - soft)/(1.2 (hard - soft)) is written as the
  -- single quotient (raw - soft)/(1.2 (hard - soft) + raw - soft): same value, one rounding,
  -- so truncating the result is exact.
  select case
    when p_raw <= p_soft then p_raw
    else least(p_hard, p_soft + (p_hard - p_soft) * (p_raw - p_soft)
                                / (1.2 * (p_hard - p_soft) + (p_raw - p_soft)))
  end
$$;
revoke all on function stardust._squash(numeric, numeric, numeric) from public;
comment on function stardust._squash(numeric, numeric, numeric) is
  'Internal: soft cap. raw if raw <= soft, else min(hard, soft + (hard - soft) * '
  '(1 - 1/(1 + (raw - soft)/((hard - soft) * 1.2)))).';
