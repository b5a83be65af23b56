-- Product sales per outlet and outlet-local day (README "Analyst views"): the line items that
-- count (not VOIDED, of a sale neither VOIDED nor deleted), on their sale's outlet-local day.
-- Revenue and discounts are ex tax (price_total, discount_total). Cost is the line's own
-- cost_total, what Lightspeed recorded at the sale; only a line without one is costed at the
-- product's current supply_price × quantity (estimated_cost_lines counts them). Margin is
-- revenue ex tax minus cost. Returns count negatively, as their quantities.
create or replace view public.analytics_product_sales_daily
  with (security_invoker = true)
as
select
  (s.sale_date at time zone coalesce(o.time_zone, z.time_zone))::date as day,
  s.outlet_id,
  o.outlet_name,
  li.product_id,
  p.name as product_name,
  p.sku,
  count(*) as lines,
  coalesce(sum(li.quantity), 0) as quantity,
  coalesce(sum(li.price_total), 0) as revenue_ex_tax,
  coalesce(sum(li.tax_total), 0) as tax,
  coalesce(sum(li.discount_total), 0) as discounts,
  coalesce(sum(coalesce(li.cost_total, p.supply_price * li.quantity)), 0) as cost,
  coalesce(sum(li.price_total), 0)
    - coalesce(sum(coalesce(li.cost_total, p.supply_price * li.quantity)), 0) as margin,
  count(*) filter (where li.cost_total is null) as estimated_cost_lines,
  coalesce(o.time_zone, z.time_zone) as time_zone
from public.lightspeed_sale_line_items as li
join public.lightspeed_sales as s on s.id = li.sale_id
cross join public.sync_store_time_zone as z
left join public.analytics_outlet_time_zones as o on o.outlet_id = s.outlet_id
left join public.lightspeed_products as p on p.id = li.product_id
where s.deleted_at is null and s.status is distinct from 'VOIDED'
  and li.status is distinct from 'VOIDED'
group by 1, s.outlet_id, o.outlet_name, li.product_id, p.name, p.sku,
  coalesce(o.time_zone, z.time_zone);

revoke all on table public.analytics_product_sales_daily
  from public, anon, authenticated, service_role;
grant select on table public.analytics_product_sales_daily to authenticated, service_role;
