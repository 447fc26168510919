/**
 * The card watcher against the real stack (pcscd + vpcd + virtual card). Uses reader "Virtual PCD 00 01"
 * (port 35964) only, so it can run beside card.e2e.test.ts.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { takeEmptyReader, waitForCard } from "../../test/support/pcscd.js";
import { ROOT, runProcess, runTsx } from "../../test/support/process.js";
import { loadCardFixtures } from "./virtual-card/fixture.js";
import { RemoteVirtualCard } from "./virtual-card/remote.js";
import { type CardWatchEvent, CardWatcher } from "./watcher.js";

const PORT = 35964;
const READER = "Virtual PCD 00 01";
const fixtures = loadCardFixtures();

let card: RemoteVirtualCard | undefined;
let watcher: CardWatcher | undefined;

async function insert(id: string): Promise<void> {
  card = RemoteVirtualCard.fromFixture(fixtures.get(id)!, { port: PORT });
  await card.insert();
}

async function removeCard(): Promise<void> {
  await card?.remove();
  card = undefined;
}

function nextEvent<T extends CardWatchEvent["type"]>(
  w: CardWatcher,
  type: T,
  timeoutMs = 8000,
): Promise<Extract<CardWatchEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      w.off("event", onEvent);
      reject(new Error(`no ${type} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const onEvent = (event: CardWatchEvent) => {
      if (event.type !== type) return;
      clearTimeout(timer);
      w.off("event", onEvent);
      resolve(event as Extract<CardWatchEvent, { type: T }>);
    };
    w.on("event", onEvent);
  });
}

let releaseReader: (() => void) | undefined;

beforeAll(async () => {
  releaseReader = await takeEmptyReader(READER);
}, 180_000);
afterAll(() => releaseReader?.());

afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  await removeCard();
  await waitForCard(READER, false);
});

describe("CardWatcher", () => {
  it("reports readers, inserted cards with their identity, removals and bad cards", async () => {
    watcher = new CardWatcher({ readers: [READER], commandTimeoutMs: 1000 });
    const events: CardWatchEvent[] = [];
    watcher.on("event", (e) => events.push(e));
    const added = nextEvent(watcher, "reader-added");
    await watcher.start();
    expect((await added).reader).toBe(READER);

    const inserted = nextEvent(watcher, "card-inserted");
    await insert("citizen-rare-chars");
    const event = await inserted;
    expect(event.reader).toBe(READER);
    expect(event.identity).toEqual({
      source: "ic-card",
      nationalId: "F200000124",
      name: "黃淼碁",
      birthDate: "0451102",
      sex: "F",
      cardNumber: "000087654321",
    });
    expect(watcher.cards()).toEqual([{ reader: READER, identity: event.identity }]);

    const removed = nextEvent(watcher, "card-removed");
    await removeCard();
    expect((await removed).reader).toBe(READER);
    expect(watcher.cards()).toEqual([]);

    for (const [id, code] of [
      ["wrong-aid", "wrong-card"],
      ["mute", "card-mute"],
      ["garbage-national-id", "garbage"],
    ] as const) {
      const error = nextEvent(watcher, "error");
      await insert(id);
      const e = await error;
      expect(e.reader).toBe(READER);
      expect(e.error.code).toBe(code);
      const gone = nextEvent(watcher, "card-removed");
      await removeCard();
      await gone;
    }
    // Only the watched reader shows up, never the other vpcd reader.
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => !("reader" in e) || e.reader === READER)).toBe(true);
  });

  it("reads a card that is already in the reader when it starts", async () => {
    await insert("resident-old-format");
    await waitForCard(READER, true);
    watcher = new CardWatcher({ readers: [READER] });
    const inserted = nextEvent(watcher, "card-inserted");
    await watcher.start();
    expect((await inserted).identity.nationalId).toBe("AC12345679");
  });

  it("reports pcscd missing once and keeps retrying until stopped", { timeout: 90_000 }, async () => {
    const script = `
      import { CardWatcher } from "./src/card/watcher.ts";
      const w = new CardWatcher({ retryMs: 100 });
      const events = [];
      w.on("event", (e) => events.push(e.type === "error" ? e.error.code : e.type));
      // Stop after the fifth attempt to reach pcscd: each failed again, and none was reported a second time.
      w.on("retry", (attempt) => {
        if (attempt === 5) void w.stop().then(() => console.log(JSON.stringify({ events, attempt })));
      });
      await w.start();`;
    const run = await runTsx(["--input-type=module", "-e", script], {
      env: { ...process.env, PCSCLITE_CSOCK_NAME: "/nonexistent/rxdesk-test/pcscd.comm" },
      timeoutMs: 60_000,
    });
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out.trim())).toEqual({ events: ["pcscd-not-running"], attempt: 5 });
  });

  it("stops from inside an event handler and lets the process exit by itself", { timeout: 90_000 }, async () => {
    // The child inserts a card, and stops the watcher right inside the card-inserted handler (the pattern that
    // deadlocks when pcsclite's close is called synchronously). No process.exit: the process must end on its own.
    const script = `
      import { CardWatcher } from "./src/card/watcher.ts";
      import { VirtualNhiCard } from "./src/card/virtual-card/virtual-card.ts";
      import { loadCardFixtures } from "./src/card/virtual-card/fixture.ts";
      const card = VirtualNhiCard.fromFixture(loadCardFixtures().get("citizen-wang"), { port: ${PORT} });
      const w = new CardWatcher({ readers: [${JSON.stringify(READER)}] });
      w.on("card-inserted", (e) => {
        void w.stop().then(() => card.remove()).then(() => console.log(JSON.stringify({ name: e.identity.name })));
      });
      await w.start();
      await card.insert();`;
    const run = await runTsx(["--input-type=module", "-e", script], { timeoutMs: 60_000 });
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out.trim())).toEqual({ name: "王小明" });
  });
});

/** A private pcscd (no readers) in its own mount namespace, so stopping it disturbs no other test. */
const canUnshare = spawnSync("unshare", ["-m", "--propagation", "private", "true"]).status === 0;

describe("a private pcscd without readers, stopped mid-watch", { timeout: 90_000 }, () => {
  it.skipIf(!canUnshare)("says 'no reader', then reports pcscd stopping and still stops cleanly", async () => {
    const script = `
      import { CardWatcher } from "./src/card/watcher.ts";
      import { readCard } from "./src/card/read.ts";
      const out = [];
      out.push(await readCard({}).then(() => "read-ok", (e) => e.code));
      const w = new CardWatcher({ retryMs: 200 });
      w.on("event", (e) => out.push(e.type === "error" ? "error:" + e.error.code : e.type));
      // Stop once pcscd's going was reported and one more attempt to reach it was made.
      let lost = false;
      w.on("error", (e) => { if (e.error.code === "pcscd-not-running") lost = true; });
      w.on("retry", () => { if (lost) void w.stop().then(() => console.log(JSON.stringify(out))); });
      await w.start();
      out.push("started");
      process.kill(Number(process.env.PCSCD_PID), "SIGTERM");`;
    const shell = `
      set -e
      mount -t tmpfs tmpfs /run/pcscd
      conf=$(mktemp -d)
      pcscd -f -c "$conf" >/dev/null 2>&1 &
      export PCSCD_PID=$!
      for i in $(seq 200); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.05; done
      exec "$NODE" --import tsx --input-type=module -e "$SCRIPT"`;
    const run = await runProcess("unshare", ["-m", "--propagation", "private", "bash", "-c", shell], {
      env: { ...process.env, NODE: process.execPath, SCRIPT: script },
      timeoutMs: 60_000,
    });
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out.trim())).toEqual(["no-reader", "started", "error:pcscd-not-running"]);
  });
});

describe("rxdesk card watch (CLI)", { timeout: 120_000 }, () => {
  it("prints events as JSON lines and exits cleanly on Ctrl-C", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "card", "watch", "--reader", READER], {
      cwd: ROOT,
    });
    const lines = collectLines(child);
    try {
      await lines.waitFor((l) => l.type === "reader-added");
      await insert("citizen-wang");
      const inserted = await lines.waitFor((l) => l.type === "card-inserted");
      expect(inserted).toMatchObject({
        reader: READER,
        identity: { nationalId: "A123456789", name: "王小明" },
        display: { birthDate: "079/03/15" },
      });
      await removeCard();
      await lines.waitFor((l) => l.type === "card-removed");
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

function collectLines(child: ChildProcessWithoutNullStreams) {
  const lines: Record<string, unknown>[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] =
    [];
  let buffer = "";
  child.stdout.on("data", (d) => {
    buffer += d;
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
      nl = buffer.indexOf("\n");
    }
  });
  return {
    waitFor(match: (l: Record<string, unknown>) => boolean, timeoutMs = 45_000): Promise<Record<string, unknown>> {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching line; got ${JSON.stringify(lines)}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
  };
}
