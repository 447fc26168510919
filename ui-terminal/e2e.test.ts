/**
 * End to end: the real program (`rxdesk ui`, started as `npm start` starts it) in a real terminal (tmux, 80×24) against a fresh SQLite database, the
 * in-process NHI sandbox and a real card reader (pcscd + vpcd with our virtual NHI card). Keys go in with
 * `tmux send-keys` as a keyboard-wedge scanner and a pharmacist would type them; `tmux capture-pane` is what the
 * pharmacist sees. Uses reader "Virtual PCD 00 01" (locked against the card watcher test).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCardFixtures } from "../src/card/virtual-card/fixture.js";
import { RemoteVirtualCard } from "../src/card/virtual-card/remote.js";
import { addDays, formatRocDate, type RocDate, rocDateFromDate } from "../src/domain/roc-date.js";
import type { SeededScenarios } from "../src/nhi/sandbox/index.js";
import { createRxdesk } from "../src/service/bootstrap.js";
import { ensurePcscd, lockReader, waitForCard } from "../test/support/pcscd.js";
import { columns } from "./text.js";

const ROOT = new URL("..", import.meta.url).pathname;
const READER = "Virtual PCD 00 01";
const PORT = 35964;
const SOCKET = `rxdesk-ui-e2e-${process.pid}`;
const SESSION = "counter";

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-u", "-L", SOCKET, ...args], { encoding: "utf8" });
}

function screen(): string {
  return tmux("capture-pane", "-p", "-t", SESSION);
}

async function waitScreen(what: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = screen();
    if (typeof what === "string" ? last.includes(what) : what.test(last)) return last;
    await sleep(100);
  }
  throw new Error(`the terminal never showed ${String(what)}; it shows:\n${last}`);
}

/** Types like a keyboard-wedge scanner: the characters, then Enter. */
function scan(text: string): void {
  tmux("send-keys", "-t", SESSION, "-l", text);
  tmux("send-keys", "-t", SESSION, "Enter");
}

function key(...names: string[]): void {
  tmux("send-keys", "-t", SESSION, ...names);
}

function assertFits(s: string): void {
  const lines = s.replace(/\n+$/, "").split("\n");
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) expect(columns(line), line).toBeLessThanOrEqual(80);
}

let dataDir: string;
let demo: SeededScenarios;
let card: RemoteVirtualCard | undefined;
let releaseReader: (() => void) | undefined;

beforeAll(async () => {
  expect(spawnSync("tmux", ["-V"]).status, "tmux must be installed (scripts/setup.sh)").toBe(0);
  dataDir = mkdtempSync(join(tmpdir(), "rxdesk-ui-e2e-"));
  // The fresh database gets the demo prescriptions exactly as a first `rxdesk ui` run would; we need their IDs.
  const rx = await createRxdesk({ dataDir, demo: true });
  demo = rx.demo!;
  await rx.close();
  expect(await ensurePcscd()).toContain(READER);
  releaseReader = await lockReader(READER);
  await waitForCard(READER, false, 10_000);
  const command = [
    `cd ${JSON.stringify(ROOT)}`,
    // As `npm start` runs it: bin/rxdesk.mjs starts the compiled build (the bundled UI) when it is up to date with
    // the sources, as after scripts/setup.sh, and the sources through tsx otherwise.
    `env TERM=screen LANG=C.UTF-8 ${JSON.stringify(process.execPath)} bin/rxdesk.mjs ui` +
      ` --data-dir ${JSON.stringify(dataDir)} --reader ${JSON.stringify(READER)}`,
  ].join(" && ");
  tmux(
    "new-session",
    "-d",
    "-s",
    SESSION,
    "-x",
    "80",
    "-y",
    "24",
    `sh -c '${command.replace(/'/g, "'\\''")}; echo EXITED:$?; sleep 60'`,
  );
}, 180_000);

afterAll(async () => {
  await card?.remove();
  releaseReader?.();
  spawnSync("tmux", ["-L", SOCKET, "kill-server"]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("rxdesk ui in a terminal", () => {
  it("a pharmacist's counter: card, scan, decision, confirm, slip, duplicate guard, mismatch, delete, quit", async () => {
    // First screen: scan field, keys, status bar with NHI online, an empty outbox and the reader.
    await waitScreen("讀卡機就緒");
    let s = await waitScreen("健保署 連線");
    expect(s).toContain("掃描就醫識別碼");
    expect(s).toContain("上傳 待傳0 退件0");
    expect(s).toMatch(/F1說明.*F9|F1說明.*F10結束/);
    assertFits(s);

    // The patient's card goes into the reader.
    const fixtures = loadCardFixtures();
    card = RemoteVirtualCard.fromFixture(fixtures.get("citizen-wang")!, { port: PORT });
    await card.insert();
    s = await waitScreen("健保卡：王小明");
    expect(s).toContain("已插入健保卡：王小明 A12345****");

    // Scan the prescription (grouped, lower case, as a phone scanner app might send it).
    const fresh = demo.cases.chronicFresh;
    expect(fresh.nationalId).toBe("A123456789");
    scan(fresh.originalVisitId.toLowerCase().replace(/(.{4})(?=.)/g, "$1 "));
    s = await waitScreen("可 調 劑");
    expect(s).toContain(`第 1 次 / 共 ${fresh.refillCount} 次`);
    expect(s).toContain("✓ 健保卡相符");
    expect(s).toContain(fresh.prescriberInstitutionCode);
    expect(s).toContain("F9 確認調劑");
    assertFits(s);

    // One key dispenses; the next refill's window is shown in ROC dates.
    key("F9");
    s = await waitScreen("已調劑");
    const today = rocDateFromDate(new Date());
    const expectedTo = formatRocDate(addDays(today, fresh.daysPerRefill - 1) as RocDate);
    expect(s).toMatch(/下次（第 2 次）可領 \d{3}\/\d{2}\/\d{2} – \d{3}\/\d{2}\/\d{2}/);
    expect(s).toContain(expectedTo);
    s = await waitScreen("上傳 待傳1");

    // F8 writes the refill reminder slip as a real PDF.
    key("F8");
    s = await waitScreen(/提醒單已產生|✕/);
    expect(s).toContain("提醒單已產生");
    const slips = readdirSync(join(dataDir, "slips"));
    expect(slips).toHaveLength(1);
    expect(
      readFileSync(join(dataDir, "slips", slips[0]!))
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    // The same prescription again: refill 1 was just dispensed here; refill 2 is not due yet.
    scan(fresh.originalVisitId);
    s = await waitScreen("不 可 調 劑");
    expect(s).not.toContain("F9 確認調劑");

    // Another patient's prescription with Wang's card still in the reader: loud mismatch, cannot confirm.
    const other = demo.cases.oneOff;
    scan(other.originalVisitId);
    s = await waitScreen("健保卡與處方箋不是同一人");
    expect(s).toContain("不 可 調 劑");
    key("F9");
    await waitScreen("不可調劑，無法確認");
    assertFits(s);

    // Pull the card: the status line says so.
    await card.remove();
    card = undefined;
    await waitScreen("健保卡已取出");
    await waitScreen("讀卡機就緒");

    // History: delete the dispensing, confirmed with a reason.
    key("F3");
    s = await waitScreen("28d 有效");
    expect(s).toContain("A123456789");
    key("d");
    await waitScreen("H01=D");
    scan("病人退回藥品");
    s = await waitScreen("已刪除，將上傳刪除紀錄");
    assertFits(s);

    // English on F2, back with Esc, F10 quits after asking.
    key("F2");
    await waitScreen("Recent dispensings");
    key("Escape");
    await waitScreen("Scan visit ID");
    key("F10");
    await waitScreen("Quit rxdesk?");
    key("y");
    s = await waitScreen("EXITED:");
    expect(s).toContain("EXITED:0");
  }, 150_000);
});
