import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RocDate } from "../src/domain/roc-date.js";
import { RX_OK } from "../test/support/counter-data.js";
import { demoCase } from "../test/support/demo-case.js";
import { assertFits, KEY, renderApp } from "../test/support/ink-harness.js";
import { dueQuery } from "./screens/RefillsDue.js";

afterEach(() => cleanup());

async function dispenseOne(app: ReturnType<typeof renderApp>) {
  await app.press(`${RX_OK}\r`);
  await app.waitFor("可 調 劑");
  await app.press(KEY.f9);
  await app.waitFor("已調劑");
}

describe("history (F3)", () => {
  it("lists dispensings; D deletes after a confirmation with a reason; Esc goes back", async () => {
    const app = renderApp();
    await dispenseOne(app);
    await app.press(KEY.f3);
    let s = await app.waitFor("28d 有效");
    expect(s).toContain("113/04/10 10:15 A123456789 #2  28d 有效");
    expect(s).toContain("QQQQ2222WWWW3333EEEE");
    assertFits(s);
    await app.press("d");
    s = await app.waitFor("將上傳 H01=D 整筆刪除");
    await app.press("\r");
    await app.waitFor("請輸入理由");
    expect(app.service.callsOf("deleteDispensing")).toEqual([]);
    await app.press("病人退藥\r");
    s = await app.waitFor("已刪除，將上傳刪除紀錄");
    expect(app.service.callsOf("deleteDispensing")).toEqual([
      { dispensingId: "disp1", pharmacistId: "B223456782", reason: "病人退藥" },
    ]);
    await app.waitFor("已刪除 ");
    await app.press(KEY.esc);
    await app.waitFor("掃描就醫識別碼");
  });

  it("Esc in the confirmation cancels and changes nothing", async () => {
    const app = renderApp();
    await dispenseOne(app);
    await app.press(KEY.f3);
    await app.waitFor("28d 有效");
    await app.press("d");
    await app.waitFor("H01=D");
    await app.press(KEY.esc);
    await vi.waitFor(() => expect(app.screen()).not.toContain("H01=D"));
    expect(app.service.callsOf("deleteDispensing")).toEqual([]);
    expect(app.screen()).toContain("調劑紀錄");
  });

  it("C corrects the days with validation and a reason", async () => {
    const app = renderApp();
    await dispenseOne(app);
    await app.press(KEY.f3);
    await app.waitFor("28d 有效");
    await app.press("c");
    await app.waitFor("更正給藥日份（目前 28 天）");
    await app.press(KEY.backspace, KEY.backspace, "45\r");
    await app.waitFor("給藥日份需為 1–30 的整數");
    await app.press(KEY.backspace, KEY.backspace, "21\r");
    await app.waitFor("更正理由");
    await app.press("藥量打錯\r");
    await app.waitFor("已更正");
    expect(app.service.callsOf("correctDispensing")).toEqual([
      { dispensingId: "disp1", pharmacistId: "B223456782", reason: "藥量打錯", days: 21 },
    ]);
  });
});

describe("refills due (F4)", () => {
  it("shows today's, then next 7 days, then missed", async () => {
    const app = renderApp();
    await app.press(KEY.f4);
    let s = await app.waitFor("王小明");
    expect(s).toMatch(/待領慢箋 +1 今日可領 +2 .+ +3 /);
    expect(s).toContain("第2次");
    expect(s).toContain("113/04/07–113/04/16");
    expect(app.service.callsOf("refillsDue")[0]).toEqual({ from: "1130410", to: "1130410" });
    await app.press("3");
    s = await app.waitFor("林美麗");
    expect(s).toContain("113/03/01–113/03/10");
    expect(s).not.toContain("王小明");
    assertFits(s);
  });

  it("tab ranges", () => {
    const today = "1130410" as RocDate;
    expect(dueQuery("week", today)).toMatchObject({ from: "1130411", to: "1130417" });
    expect(dueQuery("missed", today)).toMatchObject({ to: "1130410", states: ["missed"] });
  });
});

describe("refill log (F5)", () => {
  it("filters by type, patient and dates, and exports through the reports hook", async () => {
    const exportRefillLog = vi.fn(async (_q: unknown, format: string) => ({ path: `/tmp/log.${format}` }));
    const app = renderApp({ actions: { exportRefillLog } });
    await app.press(KEY.f5);
    let s = await app.waitFor("[D025]");
    expect(s).toContain("期間 113/03/11–113/04/10");
    // Masked like every report: patients' and pharmacists' national IDs, in the columns and in the message text.
    expect(s).toMatch(/[A-Z]\d{2}\*{4}\d{3}/);
    expect(s).not.toMatch(/[A-Z][12]\d{8}/);
    await app.press("t");
    s = await app.waitFor("類別 調劑");
    await vi.waitFor(() => expect(app.screen()).not.toContain("D025"));
    expect(app.service.callsOf("refillLog").at(-1)).toMatchObject({ types: ["dispensed"] });
    await app.press("n");
    await app.waitFor("病人身分證號");
    await app.press("a123456789\r");
    await app.waitFor("病人 A12****789");
    await app.press("f");
    await app.waitFor("起始日期");
    await app.press("113/02/30\r");
    await app.waitFor("日期格式錯誤");
    await app.press(KEY.esc);
    await vi.waitFor(() => expect(app.screen()).not.toContain("日期格式錯誤"));
    await app.press("f");
    await app.waitFor("起始日期");
    await app.press("113/03/01\r");
    await app.waitFor("結束日期");
    await app.press("113/03/31\r");
    s = await app.waitFor("期間 113/03/01–113/03/31");
    await vi.waitFor(() =>
      expect(app.service.callsOf("refillLog").at(-1)).toEqual({
        from: "1130301",
        to: "1130331",
        nationalId: "A123456789",
        types: ["dispensed"],
      }),
    );
    await app.press("e");
    await app.waitFor("已匯出：/tmp/log.csv");
    expect(exportRefillLog.mock.calls[0]?.[1]).toBe("csv");
    await app.press("x");
    await app.waitFor("期間 113/03/11–113/04/10");
    assertFits(app.screen());
  });
});

describe("upload queue (F6)", () => {
  it("shows rejected records with their NHI codes and advice; U uploads now; Y retries", async () => {
    const app = renderApp();
    await app.press(KEY.f6);
    let s = await app.waitFor("H01=A");
    expect(s).toMatch(/上傳佇列 +A .+ +W .+ +R /);
    expect(s).toContain("退件");
    expect(s).toContain("M33:D025 該次慢箋已於他院所調劑");
    expect(s).toContain("建議：查明後刪除本筆");
    await app.press("y");
    await app.waitFor("已排入重傳");
    expect(app.service.callsOf("retryOutboxEntry")).toEqual(["ob1"]);
    await app.press("u");
    s = await app.waitFor("上傳完成");
    expect(s).toContain("接受 2");
    assertFits(s);
  });

  it("shows an accepted record's warnings (D024) apart from rejections", async () => {
    const app = renderApp();
    await app.press(KEY.f6);
    await app.waitFor("H01=A");
    await app.press(KEY.down);
    const s = await app.waitFor("△ M16:D024 原處方院所尚未上傳");
    expect(s).toContain("建議：請原處方院所上傳");
    expect(s).not.toContain("✕ M16:D024");
    assertFits(s);
  });
});

describe("NHI codes (F7) and help (F1)", () => {
  it("filters the code list as you type", async () => {
    const app = renderApp();
    await app.press(KEY.f7);
    await app.waitFor("健保檢核錯誤代碼");
    await app.press("d", "0", "2", "5");
    const s = await app.waitFor("▸ D025");
    expect(s).not.toContain("D024 ");
    await app.press(KEY.esc);
    await vi.waitFor(() => expect(app.screen()).not.toContain("▸ D025"));
    await app.press(KEY.esc);
    await app.waitFor("掃描就醫識別碼");
  });

  it("help lists the keys", async () => {
    const app = renderApp();
    await app.press(KEY.f1);
    // "F1說明" is in the counter's key line already: wait for the help text itself.
    const s = await app.waitFor("櫃台：掃描或輸入就醫識別碼");
    expect(s).toContain("F9 確認調劑");
    assertFits(s);
  });

  it("points to the demo prescriptions and lists them on the help screen", async () => {
    const app = renderApp({
      demoCases: [demoCase()],
    });
    await app.waitFor("按 F1 查看可掃描的示範就醫識別碼");
    await app.press(KEY.f1);
    const s = await app.waitFor("示範處方");
    expect(s).toContain("KGZW REFK 9ZTF 9KNW HWLU 王小明 --profile citizen-wang");
    expect(s).toContain("chronicFresh 診所昨日開立慢性病連續處方箋");
    assertFits(s);
  });
});
