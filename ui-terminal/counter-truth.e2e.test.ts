/**
 * Issue 14's situations at the real counter: `rxdesk ui` in tmux (80×24) on a fresh data folder with the demo
 * prescriptions, and the patients' virtual cards put into and pulled from the vpcd reader mid-flow (pcscd).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultDbFile, openDatabase } from "../src/db/open.js";
import { type DemoCase, demoList } from "../src/demo/cases.js";
import { type CounterInTmux, startCounterInTmux, type TmuxUi } from "../test/support/tmux-ui.js";

let counter: CounterInTmux | undefined;
let cases: Record<string, DemoCase>;
let ui: TmuxUi;

async function insert(profile: string, name: string): Promise<void> {
  await counter!.insertCard(profile);
  await ui.waitScreen(`健保卡：${name}`);
}

async function pull(): Promise<void> {
  await counter!.pullCard();
  await ui.waitScreen("讀卡機就緒");
}

/** A decision or a dispensing on the counter screen (its big words). */
const DECIDED = /可 調 劑|需覆核才可調劑|需 健 保 卡|依 紙 本 輸 入|已調劑/;

/**
 * Scans on an empty counter. The test before may have left a decision on screen, even the same prescription's
 * (re-decided when its card was pulled), and a wait after the scan must see only the new decision: Esc first, and
 * wait until it is gone (an Esc read together with the scan would be taken as Alt and the first character).
 */
async function scan(visitId: string): Promise<void> {
  if (DECIDED.test(ui.screen())) {
    ui.key("Escape");
    await ui.waitScreen("掃描處方箋條碼", { without: DECIDED });
  }
  ui.scan(visitId);
}

beforeAll(async () => {
  counter = await startCounterInTmux("ui-truth");
  cases = Object.fromEntries(demoList(counter.demo).map((c) => [c.scenario, c]));
  ui = counter.ui;
  await ui.waitScreen("讀卡機就緒");
}, 180_000);

afterAll(async () => counter?.stop());

describe("counter truth in a terminal", () => {
  it("1: a chronic refill scanned before the card is 需健保卡; the card going in re-decides by itself", async () => {
    const fresh = cases.chronicFresh!;
    await scan(fresh.visitId);
    let s = await ui.waitScreen("需 健 保 卡");
    expect(s).not.toContain("可 調 劑");
    expect(s).not.toContain("F9 確認調劑");
    await insert(fresh.cardProfile, fresh.patientName);
    s = await ui.waitScreen("F9 確認調劑");
    expect(s).toContain("可 調 劑");
    expect(s).toContain("✓ 健保卡相符");
    await pull();
    s = await ui.waitScreen("需 健 保 卡");
  }, 90_000);

  it("2: another person's card names both people; the patient line is the prescription's patient", async () => {
    const oneOff = cases.oneOff!;
    await insert("citizen-wang", "王小明");
    await scan(oneOff.visitId);
    const s = await ui.waitScreen("健保卡與處方箋不是同一人");
    expect(s).toContain("卡：王小明");
    expect(s).not.toMatch(/處方：王小明/);
    expect(s).toMatch(new RegExp(`病人 .*${oneOff.patientNationalId}`));
    expect(s).toContain("不 可 調 劑");
    await pull();
  }, 90_000);

  it("4: a keystroke sets the decision aside and F9 does nothing until Enter", async () => {
    const oneOff = cases.oneOff!;
    await scan(oneOff.visitId);
    await ui.waitScreen("F9 確認調劑");
    ui.key("-l", "KGZW");
    let s = await ui.waitScreen("輸入中");
    expect(s).not.toContain("F9 確認調劑");
    ui.key("F9");
    // Keys are handled in order: once the next typed character shows, F9 has been handled, and did nothing.
    ui.key("-l", "X");
    s = await ui.waitScreen("KGZWX");
    expect(s).not.toContain("已調劑");
    // Esc clears the field (the decision stays set aside), Esc again the decision; each waited for, so the next
    // test starts on an empty counter (two Esc read together are one).
    ui.key("Escape");
    await ui.waitScreen("輸入中", { without: "KGZWX" });
    ui.key("Escape");
    await ui.waitScreen("掃描處方箋條碼", { without: "輸入中" });
  }, 90_000);

  it("3: two F9 in a burst dispense once and the success stays on screen", async () => {
    const oneOff = cases.oneOff!;
    await scan(oneOff.visitId);
    await ui.waitScreen("F9 確認調劑");
    ui.key("F9", "F9");
    await ui.waitScreen("已調劑");
    // One more F9, then a character: keys are handled in order, so once the character is drawn in the field, every
    // F9 has been handled, and the success is still what the screen says.
    ui.key("F9");
    ui.key("-l", "Z");
    const s = await ui.waitScreen(/▸ Z/);
    expect(s).toContain("已調劑");
    expect(s).not.toContain("未調劑");
    ui.key("Escape"); // clears the field, keeps the success
    const h = await openDatabase({ engine: "sqlite", file: defaultDbFile(counter!.dataDir) });
    try {
      const rows = await h.db
        .selectFrom("dispensings")
        .select("refill_no")
        .where("original_visit_id", "=", oneOff.visitId)
        .where("status", "=", "active")
        .execute();
      expect(rows).toEqual([{ refill_no: oneOff.nextRefillNo }]);
    } finally {
      await h.close();
    }
  }, 90_000);

  it("5: refills dispensed elsewhere are history, not a duplicate alarm", async () => {
    const elsewhere = cases.dispensedElsewhere!;
    await insert(elsewhere.cardProfile, elsewhere.patientName);
    await scan(elsewhere.visitId);
    const s = await ui.waitScreen("不 可 調 劑");
    expect(s).toContain("已領");
    expect(s).toContain("尚未到可調劑期間");
    expect(s).not.toContain("D025");
    await pull();
  }, 90_000);

  it("6: no card: F9 takes the ID typed from the paper with a reason; J000 after its two checks", async () => {
    const j000 = cases.j000ClinicClosed!;
    await scan(j000.visitId);
    await ui.waitScreen("需 健 保 卡");
    ui.key("F9");
    await ui.waitScreen("依處方箋輸入病人身分證號");
    ui.scan(j000.patientNationalId);
    await ui.waitScreen("未讀卡理由");
    ui.scan("病人忘記帶卡");
    let s = await ui.waitScreen("F9 確認調劑");
    expect(s).toContain("依紙本輸入");
    // Refill 2+ without the original sequence number: J000 only after both checks (seed 004 §三(四)6).
    ui.key("F9");
    await ui.waitScreen("須先完成兩項確認");
    ui.key("Enter");
    await ui.waitScreen("兩項都確認後才能以 J000 調劑");
    ui.key("1", "2", "Enter");
    s = await ui.waitScreen("已調劑");
    expect(s).toContain("原處方就醫序號 J000（已確認雲端藥歷及原處方院所）");
  }, 90_000);
});
