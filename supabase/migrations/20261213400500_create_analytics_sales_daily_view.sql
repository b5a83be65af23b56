-- Sales per outlet and outlet-local day (README "Analyst views"): every sale that is not
-- VOIDED and not deleted, on the day its sale_date falls on in its outlet's time zone
-- (analytics_outlet_time_zones; an outlet not synced yet counts in the store's zone; a sale
-- without a sale_date has a null day rather than going missing from the totals).
-- Amounts are Lightspeed's, unrounded: total_price is ex tax, total_tax the tax. Discounts and
-- returns come from the line items that count (a VOIDED line counts nowhere): discount_total,
-- and the price_total of return lines (is_return, else a negative quantity), negative.
create or replace view public.analytics_sales_daily
  with (security_invoker = true)
as
with counted_sales as (
  select
    s.id,
    s.outlet_id,
    coalesce(o.time_zone, z.time_zone) as time_zone,
    (s.sale_date at time zone coalesce(o.time_zone, z.time_zone))::date as day,
    s.total_price,
    s.total_tax
  from public.lightspeed_sales as s
  cross join public.sync_store_time_zone as z
  left join public.analytics_outlet_time_zones as o on o.outlet_id = s.outlet_id
  where s.deleted_at is null and s.status is distinct from 'VOIDED'
),
line_sums as (
  select
    li.sale_id,
    sum(li.discount_total) as discounts,
    count(*) filter (where coalesce(li.is_return, li.quantity < 0)) as return_lines,
    sum(li.price_total) filter (where coalesce(li.is_return, li.quantity < 0)) as returns_ex_tax
  from public.lightspeed_sale_line_items as li
  where li.status is distinct from 'VOIDED'
  group by li.sale_id
)
select
  c.day,
  c.outlet_id,
  o.outlet_name,
  c.time_zone,
  count(*) as sales,
  coalesce(sum(c.total_price), 0) as revenue_ex_tax,
  coalesce(sum(c.total_tax), 0) as tax,
  coalesce(sum(c.total_price + c.total_tax), 0) as revenue_inc_tax,
  coalesce(sum(l.discounts), 0) as discounts,
  count(*) filter (where l.return_lines > 0) as return_sales,
  coalesce(sum(l.returns_ex_tax), 0) as returns_ex_tax
from counted_sales as c
left join line_sums as l on l.sale_id = c.id
left join public.analytics_outlet_time_zones as o on o.outlet_id = c.outlet_id
group by c.day, c.outlet_id, o.outlet_name, c.time_zone;

revoke all on table public.analytics_sales_daily from public, anon, authenticated, service_role;
grant select on table public.analytics_sales_daily to authenticated, service_role;
