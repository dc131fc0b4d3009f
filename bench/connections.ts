// Broker RSS with many idle client connections (run by hand: bun bench/connections.ts [count]).
// Opens `count` connections (default 10,000), each of which sends one ApiVersions request and
// then stays silent, and reports the broker's RSS before, with them open, and after they close.
// The broker's and this process's open-file limits must allow the count (ulimit -n).

import { rssMiB } from "../test/support/abuse.ts";
import { encodeRequest } from "../src/protocol/frame.ts";
import { ApiVersionsApi, defaultApiVersionsRequest } from "../src/protocol/generated/index.ts";
import { brokerArgv, startServer } from "./support/server.ts";

const COUNT = Number(process.argv[2] ?? 10_000);
const server = await startServer(brokerArgv("memory://"));
const request = encodeRequest(ApiVersionsApi, { apiKey: 18, apiVersion: 0, correlationId: 1, clientId: "idle" }, defaultApiVersionsRequest()).slice();
await Bun.sleep(500);
const before = rssMiB(server.pid);
let answered = 0;
const sockets = [];
for (let i = 0; i < COUNT; i += 500) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(500, COUNT - i) }, () =>
      Bun.connect({
        hostname: "127.0.0.1",
        port: server.port,
        socket: {
          open: (s) => void s.write(request),
          data: () => void answered++,
        },
      }),
    ),
  );
  sockets.push(...batch);
}
while (answered < COUNT) await Bun.sleep(50);
await Bun.sleep(1000);
const open = rssMiB(server.pid);
for (const s of sockets) s.end();
await Bun.sleep(2000);
const after = rssMiB(server.pid);
await server.stop();
console.log(`${COUNT} idle connections: broker RSS ${before.toFixed(0)} MiB before, ${open.toFixed(0)} MiB with them open (${(((open - before) * 1024) / COUNT).toFixed(1)} KiB each), ${after.toFixed(0)} MiB after they closed`);
