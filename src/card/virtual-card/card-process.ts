/**
 * Child-process side of `RemoteVirtualCard`: runs one virtual NHI card, driven over the IPC channel.
 * Exits when the parent disconnects.
 */
import { parseCardFixture } from "./fixture.js";
import type { HostReply, HostRequest } from "./remote.js";
import { VirtualNhiCard } from "./virtual-card.js";

let card: VirtualNhiCard | undefined;
let pullAfter = 0;

function send(message: HostReply): void {
  process.send?.(message);
}

async function handle(request: HostRequest): Promise<void> {
  switch (request.op) {
    case "insert": {
      await card?.remove();
      const current = VirtualNhiCard.fromFixture(parseCardFixture(request.fixture), { port: request.port });
      card = current;
      pullAfter = request.pullAfterApdus ?? 0;
      current.on("apdu", (command, response) => {
        send({
          event: "apdu",
          command: Buffer.from(command).toString("hex"),
          response: response ? Buffer.from(response).toString("hex") : null,
        });
        if (pullAfter > 0 && --pullAfter === 0) void current.remove();
      });
      current.on("removed", () => send({ event: "removed" }));
      current.on("error", (error) => send({ event: "error", message: error.message }));
      await current.insert();
      return;
    }
    case "remove":
      await card?.remove();
      return;
  }
}

process.on("message", (request: HostRequest) => {
  handle(request).then(
    () => send({ id: request.id, ok: true }),
    (error: unknown) =>
      send({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
send({ event: "ready" });
