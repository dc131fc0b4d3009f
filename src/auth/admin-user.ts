// The bootstrap user (ADMIN_USER/ADMIN_PASSWORD): created with SCRAM-SHA-256 and SCRAM-SHA-512
// credentials when it has none, so a fresh deployment can authenticate at once. An existing user
// is left as it is: the environment never overwrites a password changed since.

import type { Logger } from "../log.ts";
import type { Engine } from "../storage/engine.ts";
import { scramCredential } from "./scram.ts";
import type { ScramMechanism } from "./scram-names.ts";

const MECHANISMS: ScramMechanism[] = ["SCRAM-SHA-256", "SCRAM-SHA-512"];

export async function ensureAdminUser(engine: Engine, admin: { name: string; password: string }, log: Logger): Promise<void> {
  if ((await engine.scramCredentials(admin.name)).length > 0) return;
  const changes = [];
  for (const mechanism of MECHANISMS) {
    const made = await scramCredential(mechanism, admin.password);
    if (!made.ok) throw new RangeError(`admin user credential: ${made.reason}`);
    const { salt, iterations, storedKey, serverKey } = made.credential;
    changes.push({ user: admin.name, mechanism, secret: { salt, iterations, storedKey, serverKey } });
  }
  await engine.alterScramCredentials(changes);
  log.info("admin user created", { user: admin.name });
}
