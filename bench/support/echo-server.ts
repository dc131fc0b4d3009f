// The floor for bench/startup.ts: a trivial Bun.listen server that writes back whatever it reads
// (so a request frame comes back as its own "response"). Usage: echo-server PORT.

const server = Bun.listen({
  hostname: "127.0.0.1",
  port: Number(process.argv[2] ?? 0),
  socket: {
    data(socket, chunk) {
      socket.write(chunk);
    },
  },
});
console.error(`echo listening listener=127.0.0.1:${server.port}`);
process.on("SIGTERM", () => process.exit(0));
