/** The words of the paper-entry rules and causes (zh-TW and English), used by the reason catalogue. */
import { type Message, msg } from "./message.js";
import type { PaperEntryCause, PaperRuleProblem } from "./paper-prescription.js";
import { formatRocDate } from "./roc-date.js";

export function paperRuleText(p: PaperRuleProblem): Message {
  switch (p.rule) {
    case "refill-beyond-count":
      return msg(
        `調劑次數（M33）第${p.refillNo}次超過可調劑次數${p.refillCount}次（D019）`,
        `Refill ${p.refillNo} (M33) is beyond the refill count of ${p.refillCount} (D019)`,
      );
    case "chronic-count":
      return msg(
        `慢性病連續處方箋可調劑次數（M26）須為2～4次（輸入${p.refillCount}，D014）`,
        `A chronic prescription's refill count (M26) must be 2 to 4 (got ${p.refillCount}, D014)`,
      );
    case "one-off-count":
      return msg(
        `非慢性病連續處方箋之可調劑次數為1（輸入${p.refillCount}）`,
        `A prescription that is not chronic has a refill count of 1 (got ${p.refillCount})`,
      );
    case "chronic-days":
      return msg(
        `慢箋每次給藥日份（M20）最多${p.max}日（輸入${p.days}）`,
        `A chronic refill supplies at most ${p.max} days (M20; got ${p.days})`,
      );
    case "total-days":
      return msg(
        `慢箋總給藥日份${p.totalDays}日超過${p.max}日上限`,
        `The chronic prescription's total of ${p.totalDays} days exceeds the ${p.max}-day limit`,
      );
    case "in-future":
      return msg(
        "原處方就診日期時間（M19）不可晚於現在（D007）",
        "The prescription's visit date-time (M19) cannot be in the future (D007)",
      );
    case "sm00-after-switch":
      return msg(
        `SM00限2.0格式實施前之就醫；${formatRocDate(p.mandatoryFrom)}起全面實施2.0，此日後開立之處方應有就醫識別碼（D068）`,
        `SM00 is only for visits before format 2.0; it is mandatory from ${formatRocDate(p.mandatoryFrom)}, so a prescription written since has a visit ID (D068)`,
      );
    case "no-orders":
      return msg("請至少輸入一項醫令（藥品代碼與總量）", "Enter at least one order line (drug code and quantity)");
    case "order-days":
      return msg(
        `第${p.line}項醫令之給藥日數${p.days}日超過每次給藥日份${p.max}日`,
        `Order line ${p.line}: ${p.days} days exceeds the ${p.max} days per dispensing`,
      );
  }
}

export function paperCauseText(cause: PaperEntryCause): Message {
  switch (cause) {
    case "nhi-unreachable":
      return msg("健保署無法連線且本機無此處方", "NHI unreachable and the prescription never seen here");
    case "not-uploaded":
      return msg("原處方院所尚未上傳（D024）", "the prescriber has not uploaded yet (D024)");
    case "sm00":
      return msg("2.0格式前之處方（SM00）", "a pre-2.0 prescription (SM00)");
  }
}
