-- SCRAM credentials (AlterUserScramCredentials / DescribeUserScramCredentials) and ACL bindings
-- (CreateAcls / DeleteAcls / DescribeAcls). A credential keeps only what SCRAM needs to check a
-- password (RFC 5802), never the password.
create table tansu.scram_credential (
  user_name text not null,
  mechanism text not null check (mechanism in ('SCRAM-SHA-256', 'SCRAM-SHA-512')),
  salt bytea not null,
  iterations integer not null,
  stored_key bytea not null,
  server_key bytea not null,
  updated_at timestamptz not null default now(),
  primary key (user_name, mechanism)
);

-- Bindings are a set: the key is every field, in Kafka's codes (see src/storage/engine.ts).
create table tansu.acl_binding (
  resource_type smallint not null,
  resource_name text not null,
  pattern_type smallint not null,
  principal text not null,
  host text not null,
  operation smallint not null,
  permission_type smallint not null,
  created_at timestamptz not null default now(),
  primary key (resource_type, resource_name, pattern_type, principal, host, operation, permission_type)
);
