-- SCRAM credentials (AlterUserScramCredentials / DescribeUserScramCredentials) and ACL bindings
-- (CreateAcls / DeleteAcls / DescribeAcls). A credential keeps only what SCRAM needs to check a
-- password (RFC 5802), never the password.
CREATE TABLE scram_credential (
  user_name TEXT NOT NULL,
  mechanism TEXT NOT NULL CHECK (mechanism IN ('SCRAM-SHA-256', 'SCRAM-SHA-512')),
  salt BLOB NOT NULL,
  iterations INTEGER NOT NULL,
  stored_key BLOB NOT NULL,
  server_key BLOB NOT NULL,
  PRIMARY KEY (user_name, mechanism)
) WITHOUT ROWID;

-- Bindings are a set: the key is every field, in Kafka's codes (see src/storage/engine.ts).
CREATE TABLE acl_binding (
  resource_type INTEGER NOT NULL,
  resource_name TEXT NOT NULL,
  pattern_type INTEGER NOT NULL,
  principal TEXT NOT NULL,
  host TEXT NOT NULL,
  operation INTEGER NOT NULL,
  permission_type INTEGER NOT NULL,
  PRIMARY KEY (resource_type, resource_name, pattern_type, principal, host, operation, permission_type)
) WITHOUT ROWID;
