-- Client quotas (AlterClientQuotas / DescribeClientQuotas): one row per entity and quota key.
-- `entity` is the entity's parts sorted by type, as JSON text: [["client-id","app"],["user",null]]
-- (null: the type's default entity); see src/storage/quota-entity.ts.
create table tansu.client_quota (
  entity text not null,
  quota_key text not null,
  value double precision not null,
  updated_at timestamptz not null default now(),
  primary key (entity, quota_key)
);
