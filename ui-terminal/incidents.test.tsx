/** Incidents (re-check conflicts) at the counter: the banner, the F12 list, acknowledging with a note. */
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { msg } from "../src/domain/message.js";
import type { IncidentView } from "../src/service/types.js";
import { FakeService } from "../test/support/fake-service.js";
import { assertFits, KEY, renderApp } from "../test/support/ink-harness.js";

afterEach(() => cleanup());

function incident(id: string, over: Partial<IncidentView> = {}): IncidentView {
  return {
    id,
    kind: "dispensed-elsewhere",
    at: "2024-04-10T01:00:00Z",
    dispensingId: "disp7",
    originalVisitId: "9BYFWZQ21QQXY3B54X0L",
    refillNo: 1,
    nationalId: "A123456789",
    pharmacistId: "B223456782",
    nhiCodes: ["D025"],
    otherInstitution: { code: "5901000001", name: "仁愛藥局" },
    message: msg("此次調劑已於他院所調劑（D025）", "This refill was dispensed elsewhere (D025)"),
    ...over,
  };
}

describe("incidents", () => {
  it("a banner counts the open ones; F12 lists them; Enter asks a note; empty is refused; the note is sent", async () => {
    const service = new FakeService();
    service.incidentList = [
      incident("i1"),
      incident("i2", {
        kind: "details-differ",
        nhiCodes: [],
        otherInstitution: undefined,
        differences: [{ field: "M19", typed: "1130409100000", nhi: "1130408100000" }],
        message: msg("處方內容與紙本輸入不符", "NHI's prescription differs from what was typed"),
      }),
    ];
    const app = renderApp({ service });
    let s = await app.waitFor("！異常事件 2 件待藥師處理：F12 查看並確認");
    expect(s).toContain("F12事件");
    assertFits(s);
    await app.press(KEY.f12);
    s = await app.waitFor("他院已調劑");
    expect(s).toContain("異常事件（健保署查核結果） (2)");
    expect(s).toContain("處方內容不符");
    expect(s).toContain("此次調劑已於他院所調劑（D025）");
    expect(s).toContain("他院所 仁愛藥局 5901000001");
    expect(s).toMatch(/↑↓選擇 Enter確認並註記 Tab待處理\/全部 Esc返回/);
    assertFits(s);
    await app.press(KEY.down);
    s = await app.waitFor("M19：輸入 1130409100000／健保署 1130408100000");
    await app.press(KEY.enter);
    await app.waitFor("處理說明（將記錄）");
    await app.press(KEY.enter);
    await app.waitFor("請輸入理由");
    expect(service.callsOf("acknowledgeIncident")).toEqual([]);
    await app.press("已致電病人確認\r");
    s = await app.waitFor("已確認，已記錄");
    expect(service.callsOf("acknowledgeIncident")).toEqual([
      { incidentId: "i2", pharmacistId: "B223456782", note: "已致電病人確認" },
    ]);
    await app.waitFor("！異常事件 1 件待藥師處理");
    await app.press("\t");
    await app.waitFor("✓ 已確認");
    await app.press(KEY.down);
    s = await app.waitFor("B22345**** 於 113/04/10 10:00 確認：已致電病人確認");
    await app.press(KEY.esc);
    await vi.waitFor(() => expect(app.screen()).toContain("掃描就醫識別碼"));
  });

  it("reads in English, and no banner without open incidents", async () => {
    const service = new FakeService();
    const app = renderApp({ service, locale: "en" });
    await app.waitFor("NHI online");
    expect(app.screen()).not.toContain("incident(s)");
    service.incidentList = [incident("i1")];
    await app.press(KEY.f12);
    const s = await app.waitFor("This refill was dispensed elsewhere (D025)");
    expect(s).toContain("Incidents (NHI re-check results) (1)");
    expect(s).toContain("Enter acknowledges it with a note");
    assertFits(s);
  });
});
