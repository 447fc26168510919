/** Invalid input → one problem whose zh-TW and English texts each carry the schema's message in their own language. */
import { describe, expect, it } from "vitest";
import { deleteBodySchema, refillLogQuerySchema } from "../../schemas/api/requests.js";
import { bilingual, invalidInput } from "./validation.js";

describe("invalid-input problems", () => {
  it("puts the Chinese part of a schema message in the zh-TW text and the English part in the English text", () => {
    const parsed = refillLogQuerySchema.safeParse({ from: "115/13/01", to: "115/12/01" });
    expect(parsed.success).toBe(false);
    const problem = invalidInput(parsed.error!, "query");
    expect(problem.status).toBe(400);
    expect(problem.text.zh).toBe("查詢參數不正確（from: 日期格式：115/11/01、1151101 或 2026-11-01）");
    expect(problem.text.en).toBe("Invalid query (from: expected a date: 115/11/01, 1151101 or 2026-11-01)");
  });

  it("keeps a message without Chinese in both texts, and names the field", () => {
    const parsed = deleteBodySchema.safeParse({ reason: "x", extra: 1 });
    expect(parsed.success).toBe(false);
    const problem = invalidInput(parsed.error!, "body");
    expect(problem.text.zh).toMatch(/^資料內容不正確（/);
    expect(problem.text.en).toMatch(/^Invalid body \(/);
    expect(bilingual('Unrecognized key: "foo"')).toEqual({
      zh: 'Unrecognized key: "foo"',
      en: 'Unrecognized key: "foo"',
    });
    expect(bilingual("from must be ≤ to (起始日期不可晚於結束日期)")).toEqual({
      en: "from must be ≤ to",
      zh: "起始日期不可晚於結束日期",
    });
    expect(bilingual("not a virtual NHI card QR (NHIVC1:…) (不是虛擬健保卡 QR 碼)")).toEqual({
      en: "not a virtual NHI card QR (NHIVC1:…)",
      zh: "不是虛擬健保卡 QR 碼",
    });
    expect(bilingual("reason: at least 4 characters (請說明理由)")).toEqual({
      en: "reason: at least 4 characters",
      zh: "請說明理由",
    });
  });
});
