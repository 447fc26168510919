/** F2 switches every note already on screen, not only what is written after it. */
import { cleanup } from "ink-testing-library";
import { afterEach, describe, it } from "vitest";
import { RX_DONE_ELSEWHERE, RX_OK } from "../test/support/counter-data.js";
import { KEY, renderApp } from "../test/support/ink-harness.js";
import { paperOffering, UNKNOWN_VISIT_ID } from "../test/support/paper-offer.js";

afterEach(() => cleanup());

type App = ReturnType<typeof renderApp>;
const WANG = { source: "ic-card" as const, nationalId: "A123456789", name: "王小明" };
const PAPER = ["35012", "", "0012", "113/04/09 10:00", "N", "1", "1", "7", "AC12345100 14", "A123456789"];

/** Each case: what brings the note up, then the note in the language on screen and in the other one. */
const CASES: { name: string; app?: () => App; show(app: App): Promise<unknown>; first: string; second: string }[] = [
  {
    name: "the card flash under the counter",
    show: async (app) => {
      app.cards.send({ type: "reader-added", reader: "R" });
      app.cards.send({ type: "card-inserted", reader: "R", identity: WANG });
    },
    first: "已插入健保卡：王小明 A12345****",
    second: "NHI card inserted: 王小明 A12345****",
  },
  {
    name: "the counter's error line",
    show: (app) => app.press(KEY.f9),
    first: "請先掃描處方箋",
    second: "Scan a prescription first",
  },
  {
    name: "the note beside a blocked decision",
    show: (app) => app.press(`${RX_DONE_ELSEWHERE}\r`, KEY.f9),
    first: "不可調劑，無法確認",
    second: "Not dispensable: cannot confirm",
  },
  {
    name: "a field error on the paper form",
    app: () => renderApp({ service: paperOffering("not-uploaded") }),
    show: async (app) => {
      await app.press(`${UNKNOWN_VISIT_ID}\r`);
      await app.waitFor("F9 依紙本輸入處方");
      await app.press(KEY.f9);
      for (const v of [...PAPER, "075/03/15", "忘記帶卡"]) await app.press(KEY.ctrlU, v, "\t");
      await app.press(KEY.f9);
    },
    first: "紙本處方欄位「M17」不正確",
    second: 'Paper prescription field "M17" is wrong',
  },
  {
    name: "a note on a back-office screen",
    show: async (app) => {
      await app.press(`${RX_OK}\r`, KEY.f9);
      await app.waitFor("已調劑");
      await app.press(KEY.f3);
      await app.waitFor("28d 有效");
      await app.press("p");
    },
    first: "✕ 提醒單功能尚未安裝",
    second: "✕ Reminder slips are not available",
  },
  {
    name: "a start-up notice that arrives after the first screen (no demo: NHI down)",
    show: async (app) => {
      await app.waitFor("掃描就醫識別碼");
      app.notifyLater({ zh: "示範處方未能載入：健保署無法連線", en: "Demo prescriptions not loaded: NHI unreachable" });
    },
    first: "示範處方未能載入：健保署無法連線",
    second: "Demo prescriptions not loaded: NHI unreachable",
  },
];

describe("notes on screen follow F2", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const app = c.app?.() ?? renderApp();
      await c.show(app);
      await app.waitFor(c.first);
      await app.press(KEY.f2);
      await app.waitFor(c.second);
      await app.press(KEY.f2);
      await app.waitFor(c.first);
    });
  }
});
