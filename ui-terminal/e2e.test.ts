/**
 * End to end: the real program (`rxdesk ui`, started as `npm start` starts it) in a real terminal (tmux, 80×24) against a fresh SQLite database, the
 * in-process NHI sandbox and a real card reader (pcscd + vpcd with our virtual NHI card). Keys go in with
 * `tmux send-keys` as a keyboard-wedge scanner and a pharmacist would type them; `tmux capture-pane` is what the
 * pharmacist sees. Uses reader "Virtual PCD 00 01" (locked against the card watcher test).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, formatRocDate, type RocDate, rocDateFromDate } from "../src/domain/roc-date.js";
import type { SeededScenarios } from "../src/nhi/sandbox/index.js";
import { type CounterInTmux, startCounterInTmux, type TmuxUi } from "../test/support/tmux-ui.js";
import { columns } from "./text.js";

function assertFits(s: string): void {
  const lines = s.replace(/\n+$/, "").split("\n");
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) expect(columns(line), line).toBeLessThanOrEqual(80);
}

let counter: CounterInTmux | undefined;
let dataDir: string;
let demo: SeededScenarios;
let ui: TmuxUi;

beforeAll(async () => {
  counter = await startCounterInTmux("ui-e2e");
  ({ dataDir, demo, ui } = counter);
}, 180_000);

afterAll(async () => counter?.stop());

describe("rxdesk ui in a terminal", () => {
  it("a pharmacist's counter: card, scan, decision, confirm, slip, duplicate guard, mismatch, delete, quit", async () => {
    // First screen: scan field, keys, status bar with NHI online, an empty outbox and the reader.
    await ui.waitScreen("讀卡機就緒");
    let s = await ui.waitScreen("健保署 連線");
    expect(s).toContain("掃描就醫識別碼");
    expect(s).toContain("上傳 待傳0 退件0");
    expect(s).toMatch(/F1說明.*F9|F1說明.*F10結束/);
    assertFits(s);

    // The patient's card goes into the reader.
    await counter!.insertCard("citizen-wang");
    s = await ui.waitScreen("健保卡：王小明");
    expect(s).toContain("已插入健保卡：王小明 A12345****");

    // Scan the prescription (grouped, lower case, as a phone scanner app might send it).
    const fresh = demo.cases.chronicFresh;
    expect(fresh.nationalId).toBe("A123456789");
    ui.scan(fresh.originalVisitId.toLowerCase().replace(/(.{4})(?=.)/g, "$1 "));
    s = await ui.waitScreen("可 調 劑");
    expect(s).toContain(`第 1 次 / 共 ${fresh.refillCount} 次`);
    expect(s).toContain("✓ 健保卡相符");
    expect(s).toContain(fresh.prescriberInstitutionCode);
    expect(s).toContain("F9 確認調劑");
    assertFits(s);

    // One key dispenses; the next refill's window is shown in ROC dates.
    ui.key("F9");
    s = await ui.waitScreen("已調劑");
    const today = rocDateFromDate(new Date());
    const expectedTo = formatRocDate(addDays(today, fresh.daysPerRefill - 1) as RocDate);
    expect(s).toMatch(/下次（第 2 次）可領 \d{3}\/\d{2}\/\d{2} – \d{3}\/\d{2}\/\d{2}/);
    expect(s).toContain(expectedTo);
    s = await ui.waitScreen("上傳 待傳1");

    // F8 writes the refill reminder slip as a real PDF.
    ui.key("F8");
    s = await ui.waitScreen(/提醒單已產生|✕/);
    expect(s).toContain("提醒單已產生");
    const slips = readdirSync(join(dataDir, "slips"));
    expect(slips).toHaveLength(1);
    expect(
      readFileSync(join(dataDir, "slips", slips[0]!))
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    // The same prescription again: refill 1 was just dispensed here; refill 2 is not due yet.
    ui.scan(fresh.originalVisitId);
    s = await ui.waitScreen("不 可 調 劑");
    expect(s).not.toContain("F9 確認調劑");

    // Another patient's prescription with Wang's card still in the reader: loud mismatch, cannot confirm.
    const other = demo.cases.oneOff;
    ui.scan(other.originalVisitId);
    s = await ui.waitScreen("健保卡與處方箋不是同一人");
    expect(s).toContain("不 可 調 劑");
    ui.key("F9");
    s = await ui.waitScreen("不可調劑，無法確認");
    assertFits(s);

    // Pull the card: the status line says so.
    await counter!.pullCard();
    await ui.waitScreen("健保卡已取出");
    await ui.waitScreen("讀卡機就緒");

    // History: delete the dispensing, confirmed with a reason.
    ui.key("F3");
    s = await ui.waitScreen("28d 有效");
    expect(s).toContain("A123456789");
    ui.key("d");
    await ui.waitScreen("H01=D");
    ui.scan("病人退回藥品");
    s = await ui.waitScreen("已刪除，將上傳刪除紀錄");
    assertFits(s);

    // English on F2, back with Esc, F10 quits after asking.
    ui.key("F2");
    await ui.waitScreen("Recent dispensings");
    ui.key("Escape");
    await ui.waitScreen("Scan visit ID");
    ui.key("F10");
    await ui.waitScreen("Quit rxdesk?");
    ui.key("y");
    s = await ui.waitScreen("EXITED:");
    expect(s).toContain("EXITED:0");
  }, 150_000);
});
