-- Client quotas (AlterClientQuotas / DescribeClientQuotas): one row per entity and quota key.
-- `entity` is the entity's parts sorted by type, as JSON: [["client-id","app"],["user",null]]
-- (null: the type's default entity); see src/storage/quota-entity.ts.
CREATE TABLE client_quota (
  entity TEXT NOT NULL,
  quota_key TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (entity, quota_key)
) WITHOUT ROWID;
