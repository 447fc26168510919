/**
 * End to end through the real stack: pcscd + vpcd driver + our virtual card over TCP, read through pcsclite exactly
 * as production does. Uses reader "Virtual PCD 00 00" (port 35963) only; the watcher test uses the other one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { takeEmptyReader, waitForCard } from "../../test/support/pcscd.js";
import { runTsx } from "../../test/support/process.js";
import { CardError } from "./errors.js";
import { PcscClient } from "./pcsc.js";
import { readCard } from "./read.js";
import type { ReaderStatus } from "./reader-status.js";
import { loadCardFixtures } from "./virtual-card/fixture.js";
import { RemoteVirtualCard } from "./virtual-card/remote.js";

const PORT = 35963;
const READER = "Virtual PCD 00 00";
const fixtures = loadCardFixtures();
const fixture = (id: string) => {
  const f = fixtures.get(id);
  if (!f) throw new Error(`no card fixture ${id}`);
  return f;
};

let card: RemoteVirtualCard | undefined;

async function insert(id: string): Promise<RemoteVirtualCard> {
  card = RemoteVirtualCard.fromFixture(fixture(id), { port: PORT });
  await card.insert();
  await waitForCard(READER, true);
  return card;
}

async function removeCard(): Promise<void> {
  if (!card) return;
  await card.remove();
  card = undefined;
  await waitForCard(READER, false);
}

async function readError(options: Parameters<typeof readCard>[0]): Promise<CardError> {
  try {
    await readCard(options);
  } catch (error) {
    if (error instanceof CardError) return error;
    throw error;
  }
  throw new Error("expected the card read to fail");
}

let releaseReader: (() => void) | undefined;

beforeAll(async () => {
  releaseReader = await takeEmptyReader(READER);
}, 180_000);
afterAll(() => releaseReader?.());
afterEach(removeCard);
afterAll(removeCard);

describe("reading virtual NHI cards through pcscd", () => {
  const good = [...fixtures.values()].filter((f) => f.expect.ok);
  const bad = [...fixtures.values()].filter((f) => !f.expect.ok);
  expect(good.length).toBeGreaterThanOrEqual(5);
  expect(bad.length).toBeGreaterThanOrEqual(5);

  it.each(good.map((f) => [f.id, f] as const))("%s reads as its fixture says", async (id, f) => {
    await insert(id);
    const result = await readCard({ reader: READER });
    if (!f.expect.ok) throw new Error("unreachable");
    expect(result.reader).toBe(READER);
    expect(result.atr).toBe(f.atr.toUpperCase());
    expect(result.identity).toEqual(f.expect.identity);
    expect(result.profile.nationalIdKind).toBe(f.expect.nationalIdKind);
    expect(result.profile.nameUserDefinedChars).toBe(f.expect.nameUserDefinedChars);
    expect(result.profile.issueDate).toBe(f.profile!.issueDate);
  });

  it.each(bad.map((f) => [f.id, f] as const))("%s fails with a clear error", async (id, f) => {
    const inserted = await insert(id);
    const error = await readError({ reader: READER, commandTimeoutMs: 1000 });
    if (f.expect.ok) throw new Error("unreachable");
    expect(error.code).toBe(f.expect.code);
    expect(error.reader).toBe(READER);
    expect(error.reason.zh.length).toBeGreaterThan(5);
    expect(error.reason.en.length).toBeGreaterThan(5);
    await vi.waitFor(() => expect(inserted.apdus).toBeGreaterThanOrEqual(1));
  });

  it("picks the reader holding the card when none is named", async () => {
    await insert("citizen-wang");
    // The watcher test may hold a card in the other reader at the same time: both are valid picks.
    const result = await readCard({});
    expect([
      "A123456789",
      ...[...fixtures.values()].flatMap((f) => (f.expect.ok ? [f.expect.identity.nationalId] : [])),
    ]).toContain(result.identity.nationalId);
  });

  it("an empty reader is 'no card'; waiting picks up a card inserted meanwhile", async () => {
    const error = await readError({ reader: READER });
    expect(error.code).toBe("no-card");
    expect(error.reason.zh).toContain("請插入健保卡");
    const reading = readCard({ reader: READER, waitForCardMs: 5000 });
    card = RemoteVirtualCard.fromFixture(fixture("resident-nguyen"), { port: PORT });
    await card.insert();
    expect((await reading).identity.name).toBe("NGUYEN THI LAN");
  });

  it("a card pulled in the middle of a read is reported as removed", async () => {
    card = RemoteVirtualCard.fromFixture(fixture("citizen-wang"), { port: PORT });
    // Pulled right after answering SELECT: READ PROFILE never reaches it.
    await card.insert({ pullAfterApdus: 1 });
    await waitForCard(READER, true);
    const error = await readError({ reader: READER, commandTimeoutMs: 2000 });
    expect(["card-removed", "no-card"]).toContain(error.code);
    expect(error.reason.zh).toMatch(/卡片被取出|沒有卡片/);
  });

  it("an unknown reader name lists the readers there are", async () => {
    const error = await readError({ reader: "ACS ACR39U 00 00" });
    expect(error.code).toBe("reader-not-found");
    expect(error.reason.en).toContain(READER);
  });

  it("reports insert and remove as reader status changes", async () => {
    const client = PcscClient.open();
    const seen: ReaderStatus[] = [];
    client.on("status", (s) => {
      if (s.reader === READER) seen.push(s);
    });
    try {
      expect(await client.waitForReaderList()).toContain(READER);
      expect((await client.status(READER)).present).toBe(false);
      await insert("citizen-wang");
      expect(await client.waitForStatus(READER, (s) => s.present, 5000)).toMatchObject({ present: true });
      await removeCard();
      expect(await client.waitForStatus(READER, (s) => s.empty, 5000)).toMatchObject({ present: false });
      expect(seen.some((s) => s.present && s.atr === fixture("citizen-wang").atr)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("the same card can be read again and again on one connection context", async () => {
    await insert("citizen-rare-chars");
    const client = PcscClient.open();
    try {
      for (let i = 0; i < 3; i++) {
        expect((await readCard({ reader: READER, client })).identity.name).toBe("黃淼碁");
      }
    } finally {
      await client.close();
    }
  });
});

describe("pcscd not running", { timeout: 90_000 }, () => {
  it("fails at once with pcscd-not-running (child process pointed at a missing socket)", async () => {
    const script = `
      import { readCard } from "./src/card/read.ts";
      readCard({}).then(
        () => console.log(JSON.stringify({ ok: true })),
        (e) => console.log(JSON.stringify({ ok: false, code: e.code, message: e.reason })),
      );`;
    const child = await runTsx(["--input-type=module", "-e", script], {
      env: { ...process.env, PCSCLITE_CSOCK_NAME: "/nonexistent/rxdesk-test/pcscd.comm" },
      timeoutMs: 60_000,
    });
    expect(child.code, child.err).toBe(0);
    const out = JSON.parse(child.out.trim().split("\n").pop()!);
    expect(out).toMatchObject({ ok: false, code: "pcscd-not-running" });
    expect(out.message.zh).toContain("pcscd");
  });
});

describe("rxdesk card read (CLI)", { timeout: 90_000 }, () => {
  const cli = (args: string[]) => runTsx(["src/cli/main.ts", "card", ...args], { timeoutMs: 60_000 });

  it("prints the decoded card as JSON", async () => {
    await insert("citizen-wang");
    const run = await cli(["read", "--reader", READER]);
    expect(run.code, run.err).toBe(0);
    const out = JSON.parse(run.out);
    expect(out).toMatchObject({
      reader: READER,
      identity: { nationalId: "A123456789", name: "王小明", birthDate: "0790315", sex: "M" },
      display: { birthDate: "079/03/15", issueDate: "102/08/01" },
    });
  });

  it("explains a failure on stderr and exits non-zero", async () => {
    await insert("wrong-aid");
    const run = await cli(["read", "--reader", READER]);
    expect(run.code).toBe(2);
    expect(run.err).toContain("不是健保卡");
    expect(run.err).toContain("not an NHI card");
    expect(JSON.parse(run.out)).toMatchObject({ ok: false, error: { code: "wrong-card" } });
  });
});
