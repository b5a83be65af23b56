-- The six entities whose tables landed before public.sync_entities existed, in the registry's
-- order. Their settings rows exist already (20261125090310) and are kept. An entity added from
-- now on inserts its row in its own migration.
insert into public.sync_entities (entity, sort_order, label, table_name, child_tables) values
  ('outlets', 10, 'Outlets', 'lightspeed_outlets', '{}'),
  ('registers', 20, 'Registers', 'lightspeed_registers', '{}'),
  ('customers', 30, 'Customers', 'lightspeed_customers', '{}'),
  ('products', 40, 'Products', 'lightspeed_products', '{}'),
  ('sales', 50, 'Sales', 'lightspeed_sales',
    '{lightspeed_sale_line_items,lightspeed_sale_payments}'),
  ('inventory', 60, 'Inventory', 'lightspeed_inventory', '{}')
on conflict (entity) do nothing;
