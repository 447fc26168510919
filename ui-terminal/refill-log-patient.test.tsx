/** F5's patient filter: a national ID or part of the patient's name (issue 18). */
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { assertFits, KEY, renderApp } from "../test/support/ink-harness.js";
import { patientFilter } from "./screens/RefillLog.js";

afterEach(() => cleanup());

describe("refill log: the patient filter", () => {
  it("a name filters by name, an ID by ID, a mistyped ID is said and changes nothing", async () => {
    const exportRefillLog = vi.fn(async (_q: unknown, format: string) => ({ path: `/tmp/log.${format}` }));
    const app = renderApp({ actions: { exportRefillLog } });
    await app.press(KEY.f5);
    await app.waitFor("[D025]");
    await app.press("n");
    await app.waitFor("病人身分證號或姓名");
    await app.press("王小\r");
    let s = await app.waitFor("病人 王小");
    await vi.waitFor(() =>
      expect(app.service.callsOf("refillLog").at(-1)).toEqual({ from: "1130311", to: "1130410", patientName: "王小" }),
    );
    assertFits(s);
    await app.press("e");
    await app.waitFor("已匯出：/tmp/log.csv");
    expect(exportRefillLog.mock.calls[0]?.[0]).toMatchObject({ patientName: "王小" });
    const calls = app.service.callsOf("refillLog").length;
    await app.press("n");
    await app.waitFor("病人身分證號或姓名");
    await app.press("A123456780\r");
    // The question itself says "病人身分證號或姓名": wait for the error under it.
    s = await app.waitFor(/身分證號(檢查碼|格式)錯誤/);
    expect(app.service.callsOf("refillLog")).toHaveLength(calls);
    await app.press(KEY.ctrlU, "a123456789\r");
    await app.waitFor("病人 A12****789");
    await vi.waitFor(() =>
      expect(app.service.callsOf("refillLog").at(-1)).toEqual({
        from: "1130311",
        to: "1130410",
        nationalId: "A123456789",
      }),
    );
    await app.press("n");
    await app.waitFor("病人身分證號或姓名");
    await app.press("\r");
    await app.waitFor("病人 全部");
  });

  it("reads in English", async () => {
    const app = renderApp({ locale: "en" });
    await app.press(KEY.f5);
    await app.press("n");
    await app.waitFor("Patient national ID or name");
    await app.press("Lin\r");
    await app.waitFor("patient Lin");
  });

  it("tells an ID from a name", () => {
    expect(patientFilter(" 林美 ")).toEqual({ ok: true, patientName: "林美" });
    expect(patientFilter("a123456789")).toEqual({ ok: true, nationalId: "A123456789" });
    expect(patientFilter("")).toEqual({ ok: true });
    expect(patientFilter("A123456780").ok).toBe(false);
  });
});
