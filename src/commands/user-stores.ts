// Where `tansu user` reads and changes users: a broker, over the Kafka protocol, or the store.

import { type Address, check, type ClientOptions, KafkaClient } from "../client/index.ts";
import { saltPassword, scramCredential } from "../auth/scram.ts";
import { SCRAM_MECHANISM_CODES, type ScramMechanism, scramMechanismOfCode } from "../auth/scram-names.ts";
import { ConfigError } from "../config.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { AlterUserScramCredentialsApi } from "../protocol/generated/alter-user-scram-credentials.ts";
import { DescribeUserScramCredentialsApi } from "../protocol/generated/describe-user-scram-credentials.ts";
import type { Engine } from "../storage/engine.ts";
import { openEngine } from "../storage/open.ts";

export interface UserMechanism {
  mechanism: ScramMechanism;
  iterations: number;
}

export interface UserAlteration {
  user: string;
  mechanism: ScramMechanism;
  /** null: remove the user's credential for the mechanism. */
  password: { password: string; salt: Uint8Array; iterations: number } | null;
}

export interface UserStore {
  describe(user: string): Promise<UserMechanism[]>;
  list(): Promise<{ user: string; mechanisms: UserMechanism[] }[]>;
  alter(alterations: readonly UserAlteration[]): Promise<void>;
  close(): Promise<void>;
}

function mechanismsOf(infos: readonly { mechanism: number; iterations: number }[]): UserMechanism[] {
  return infos.flatMap((i) => {
    const mechanism = scramMechanismOfCode(i.mechanism);
    return mechanism === null ? [] : [{ mechanism, iterations: i.iterations }];
  });
}

export async function brokerUsers(bootstrap: readonly Address[], options: ClientOptions): Promise<UserStore> {
  const client = await KafkaClient.connect(bootstrap, options);
  const describe = async (users: string[] | null) => {
    const r = await client.request(DescribeUserScramCredentialsApi, () => ({ users: users === null ? null : users.map((name) => ({ name })) }));
    check(r.errorCode, "describe users", r.errorMessage);
    return r.results;
  };
  return {
    async describe(user) {
      const [result] = await describe([user]);
      if (result === undefined || result.errorCode === ErrorCodes.RESOURCE_NOT_FOUND) return [];
      check(result.errorCode, `describe user ${user}`, result.errorMessage);
      return mechanismsOf(result.credentialInfos);
    },
    async list() {
      return (await describe(null)).map((r) => ({ user: r.user, mechanisms: mechanismsOf(r.credentialInfos) }));
    },
    async alter(alterations) {
      const upsertions = await Promise.all(
        alterations.flatMap((a) => (a.password === null ? [] : [{ a, p: a.password }])).map(async ({ a, p }) => ({
          name: a.user,
          mechanism: SCRAM_MECHANISM_CODES[a.mechanism],
          iterations: p.iterations,
          salt: p.salt,
          saltedPassword: await saltPassword(a.mechanism, p.password, p.salt, p.iterations),
        })),
      );
      const deletions = alterations.filter((a) => a.password === null).map((a) => ({ name: a.user, mechanism: SCRAM_MECHANISM_CODES[a.mechanism] }));
      const r = await client.request(AlterUserScramCredentialsApi, () => ({ deletions, upsertions }));
      for (const result of r.results) check(result.errorCode, `alter user ${result.user}`, result.errorMessage);
    },
    close: () => client.close(),
  };
}

export async function storeUsers(storage: string): Promise<UserStore> {
  let url: URL;
  try {
    url = new URL(storage);
  } catch {
    throw new ConfigError(`--storage-engine: not a URL: ${JSON.stringify(storage)}`);
  }
  const engine: Engine = await openEngine(url);
  const mechanisms = (user: string) => engine.scramCredentials(user).then((cs) => cs.map((c) => ({ mechanism: c.mechanism, iterations: c.iterations })));
  return {
    describe: mechanisms,
    async list() {
      const byUser = Map.groupBy(await engine.scramCredentials(), (c) => c.user);
      return [...byUser].sort(([a], [b]) => (a < b ? -1 : 1)).map(([user, cs]) => ({ user, mechanisms: cs.map((c) => ({ mechanism: c.mechanism, iterations: c.iterations })) }));
    },
    async alter(alterations) {
      const changes = await Promise.all(
        alterations.map(async (a) => {
          if (a.password === null) return { user: a.user, mechanism: a.mechanism, secret: null };
          const made = await scramCredential(a.mechanism, a.password.password, a.password.iterations, a.password.salt);
          if (!made.ok) throw new ConfigError(`user ${a.user}: ${made.reason}`);
          const { salt, iterations, storedKey, serverKey } = made.credential;
          return { user: a.user, mechanism: a.mechanism, secret: { salt, iterations, storedKey, serverKey } };
        }),
      );
      await engine.alterScramCredentials(changes);
    },
    close: () => engine.close(),
  };
}
