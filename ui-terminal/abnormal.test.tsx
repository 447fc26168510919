/** F9's steps before an abnormal or J000 dispensing: the cause picked from a list, the reason, the J000 checks. */
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { msg } from "../src/domain/message.js";
import type { DispensingServiceApi } from "../src/service/types.js";
import { RX_OFFLINE, RX_OK } from "../test/support/counter-data.js";
import { FakeService } from "../test/support/fake-service.js";
import { assertFits, KEY, renderApp } from "../test/support/ink-harness.js";
import { confirmedRequest, nextStep } from "./confirm-steps.js";

afterEach(() => cleanup());

function offline() {
  const service = new FakeService();
  service.nhiReachable = false;
  return renderApp({ service });
}

/** NHI offline, the offline prescription scanned and F9 pressed: the cause picker is open. */
async function offlineCausePicker() {
  const app = offline();
  await app.press(`${RX_OFFLINE}\r`);
  await app.waitFor("需覆核才可調劑");
  await app.press(KEY.f9);
  await app.waitFor("請依原因選擇異常代碼");
  return app;
}

/** The fake's decisions with the J000 warning of a refill 2+ whose original sequence number is unknown. */
function withJ000(service: FakeService): FakeService {
  const check = service.check.bind(service);
  service.check = async (input) => {
    const d = await check(input);
    const j000 = { code: "j000-fallback" as const, severity: "warning" as const, nhiCode: "J000" };
    return { ...d, reasons: [...d.reasons, { ...j000, message: msg("原處方就醫序號不明", "M18 unknown") }] };
  };
  return service;
}

describe("abnormal dispensing: the cause", () => {
  it("F9 lists the causes with the suggestion preselected; Enter picks it, then the reason; empty is refused", async () => {
    const app = offline();
    await app.waitFor("健保署 斷線");
    await app.press(`${RX_OFFLINE}\r`);
    let s = await app.waitFor("需覆核才可調劑");
    expect(s).toContain("F9 覆核調劑");
    await app.press(KEY.f9);
    s = await app.waitFor("請依原因選擇異常代碼");
    expect(s).toContain("A020  網路故障造成讀卡機無法使用（尚未取得就醫序號）　← 建議");
    expect(s).toContain("A021  網路故障造成讀卡機無法使用（已取得就醫序號）");
    expect(s).toContain("C001  例外就醫者");
    expect(s).toMatch(/↑↓選擇 Enter選定 Esc返回/);
    assertFits(s);
    await app.press(KEY.enter);
    s = await app.waitFor("請輸入覆核理由");
    expect(s).toContain("A020 網路故障造成讀卡機無法使用");
    await app.press("\r");
    await app.waitFor("請輸入理由");
    await app.press("VPN 中斷，病人急需用藥\r");
    s = await app.waitFor("已調劑");
    expect(s).toContain("異常上傳 H01=B，M13 = A020  網路故障造成讀卡機無法使用（尚未取得就醫序號）");
    expect(app.service.callsOf("dispense")).toMatchObject([
      { override: { reason: "VPN 中斷，病人急需用藥", abnormalCode: "A020" } },
    ]);
    assertFits(s);
  });

  it("arrows choose another cause; Esc goes back to the decision and dispenses nothing", async () => {
    const app = await offlineCausePicker();
    await app.press(KEY.esc);
    await vi.waitFor(() => expect(app.screen()).not.toContain("請依原因選擇異常代碼"));
    await app.waitFor("需覆核才可調劑");
    expect(app.service.callsOf("dispense")).toEqual([]);
    await app.press(KEY.f9);
    await app.waitFor("請依原因選擇異常代碼");
    // From A020 down four: A021, A030, A031, B000.
    await app.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.enter);
    // The list shows "B000  卡片不良" already: wait for the reason question that names the code picked.
    await app.waitFor(/B000 卡片不良[^\n]*請輸入覆核理由/);
    await app.press("晶片讀不到\r");
    const s = await app.waitFor("已調劑");
    expect(s).toContain("M13 = B000");
    expect(app.service.callsOf("dispense")).toMatchObject([{ override: { abnormalCode: "B000" } }]);
  });

  it("reads in English: the meanings, the suggestion and the keys", async () => {
    const service = new FakeService();
    service.nhiReachable = false;
    const app = renderApp({ service, locale: "en" });
    await app.press(`${RX_OFFLINE}\r`);
    await app.waitFor("OVERRIDE NEEDED");
    await app.press(KEY.f9);
    let s = await app.waitFor("pick the cause's abnormal code");
    expect(s).toContain("A020  network failure disables the reader (no sequence no. yet) ← suggested");
    expect(s).toContain("E000  NHI system down (only outages NHI confirms)");
    expect(s).toContain("A000  card equipment failure (no sequence no. yet)");
    expect(s).toMatch(/↑↓select Enterpick Escback/);
    assertFits(s);
    await app.press(KEY.up, KEY.enter);
    await app.waitFor("Type the override reason");
    await app.press("router down\r");
    s = await app.waitFor("Dispensed refill 2, visit ID");
    expect(s).toContain("Uploaded as abnormal (H01=B), M13 = A011  card reader failure");
  });

  it("F2 switches the open list to English and back, keeping the cause chosen", async () => {
    const app = await offlineCausePicker();
    await app.press(KEY.down, KEY.f2);
    let s = await app.waitFor("pick the cause's abnormal code");
    expect(s).toContain("A021  network failure disables the reader (sequence no. obtained)");
    await app.press(KEY.f2);
    s = await app.waitFor("請依原因選擇異常代碼");
    await app.press(KEY.enter);
    s = await app.waitFor("請輸入覆核理由");
    expect(s).toContain("A021 網路故障造成讀卡機無法使用");
    expect(app.service.callsOf("dispense")).toEqual([]);
  });

  it("NHI lost during the card pass: the fresh decision offers abnormal dispensing and F9 asks for the cause", async () => {
    const service = new FakeService();
    const app = renderApp({ service });
    await app.press(`${RX_OK}\r`);
    await app.waitFor("F9 確認調劑");
    const api: DispensingServiceApi = service;
    const dispense = service.dispense.bind(service);
    api.dispense = async (request) => {
      if (request.override) return dispense(request);
      service.calls.push({ method: "dispense", args: request });
      service.nhiReachable = false;
      const fresh = await service.check({ visitIdInput: request.visitIdInput, card: request.card });
      const lost = msg("過卡時健保署斷線：可異常過卡", "NHI went away during the card pass");
      return { ok: false, kind: "override", decision: fresh, reasons: [{ ...fresh.reasons[0]!, message: lost }] };
    };
    await app.press(KEY.f9);
    await app.waitFor("過卡時健保署斷線");
    await app.press(KEY.f9);
    await app.waitFor("請依原因選擇異常代碼");
    await app.press(KEY.enter);
    await app.waitFor("請輸入覆核理由");
    await app.press("讀卡時斷線\r");
    await app.waitFor("已調劑");
    expect(service.callsOf("dispense").at(-1)).toMatchObject({ override: { abnormalCode: "A020" } });
  });
});

describe("J000: the two checks before dispensing", () => {
  it("F9 asks for both checks by key; Enter with one is refused; both confirm and are sent", async () => {
    const app = renderApp({ service: withJ000(new FakeService()) });
    await app.press(`${RX_OK}\r`);
    await app.waitFor("可 調 劑");
    await app.press(KEY.f9);
    let s = await app.waitFor("須先完成兩項確認");
    expect(s).toContain("[ ] 1 已查健保雲端藥歷，查無原處方就醫序號");
    expect(s).toContain("[ ] 2 已洽詢原處方院所，無法取得就醫序號（如未開診）");
    expect(s).toMatch(/1雲端藥歷 2原處方院所 Enter確認 Esc返回/);
    assertFits(s);
    await app.press("1", KEY.enter);
    s = await app.waitFor("兩項都確認後才能以 J000 調劑");
    expect(s).toContain("[✓] 1");
    expect(app.service.callsOf("dispense")).toEqual([]);
    await app.press("2", KEY.enter);
    s = await app.waitFor("已調劑");
    expect(s).toContain("原處方就醫序號 J000（已確認雲端藥歷及原處方院所）");
    expect(app.service.callsOf("dispense")).toMatchObject([
      { j000Confirmation: { cloudRecordChecked: true, prescriberAsked: true } },
    ]);
  });

  it("F2 switches the two checks to English and back, keeping what is ticked", async () => {
    const app = renderApp({ service: withJ000(new FakeService()) });
    await app.press(`${RX_OK}\r`);
    await app.waitFor("可 調 劑");
    await app.press(KEY.f9);
    await app.waitFor("須先完成兩項確認");
    await app.press("1", KEY.f2);
    let s = await app.waitFor("J000: refill 2+ without the original sequence number");
    expect(s).toContain("[✓] 1 NHI cloud medication record checked");
    await app.press(KEY.f2);
    s = await app.waitFor("須先完成兩項確認");
    expect(s).toContain("[✓] 1 已查健保雲端藥歷");
    expect(app.service.callsOf("dispense")).toEqual([]);
  });

  it("Esc goes back without dispensing; NHI down too: the checks, then the cause, then the reason", async () => {
    const service = withJ000(new FakeService());
    service.nhiReachable = false;
    const app = renderApp({ service, locale: "en" });
    await app.press(`${RX_OFFLINE}\r`);
    await app.waitFor("OVERRIDE NEEDED");
    await app.press(KEY.f9);
    await app.waitFor("NHI requires two");
    await app.press(KEY.esc);
    await vi.waitFor(() => expect(app.screen()).not.toContain("two checks"));
    await app.waitFor("OVERRIDE NEEDED");
    expect(service.callsOf("dispense")).toEqual([]);
    await app.press(KEY.f9);
    await app.waitFor("NHI requires two");
    await app.press("12", KEY.enter);
    await app.waitFor("pick the cause's abnormal code");
    await app.press(KEY.enter);
    await app.waitFor("Type the override reason");
    await app.press("VPN down\r");
    await app.waitFor("Dispensed refill 2, visit ID");
    expect(service.callsOf("dispense")).toMatchObject([
      {
        override: { reason: "VPN down", abnormalCode: "A020" },
        j000Confirmation: { cloudRecordChecked: true, prescriberAsked: true },
      },
    ]);
  });
});

describe("confirm steps", () => {
  it("go J000 checks, cause, reason, dispense, and only as the decision needs", async () => {
    const service = new FakeService();
    const ok = await service.check({ visitIdInput: RX_OK });
    expect(nextStep(ok, {})).toBe("dispense");
    service.nhiReachable = false;
    const down = await withJ000(service).check({ visitIdInput: RX_OK });
    expect(nextStep(down, {})).toBe("j000");
    expect(nextStep(down, { j000: true })).toBe("cause");
    expect(nextStep(down, { j000: true, abnormalCode: "E000" })).toBe("reason");
    expect(nextStep(down, { j000: true, abnormalCode: "E000", reason: "NHI outage" })).toBe("dispense");
    expect(confirmedRequest({ abnormalCode: "E000", reason: "NHI outage" })).toEqual({
      override: { reason: "NHI outage", abnormalCode: "E000" },
    });
    expect(confirmedRequest({})).toEqual({});
  });
});
