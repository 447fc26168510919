/** A readable summary of a scan for the terminal (`rxdesk scan --pretty`), zh-TW by default, English switchable. */
import { type Locale, localize } from "../domain/message.js";
import { formatVisitIdGrouped } from "../domain/visit-id.js";
import type { ScanResult } from "./decode.js";
import { formName, type ScanProblem } from "./interpret.js";

export function formatScanSummary(label: string, result: ScanResult, locale: Locale = "zh-TW"): string {
  const zh = locale === "zh-TW";
  const lines: string[] = [];
  const { image } = result;
  lines.push(`${label}  (${image.format.toUpperCase()} ${image.width}×${image.height})`);
  result.prescriptions.forEach((p, i) => {
    const head = zh ? `處方箋 ${i + 1}` : `Prescription ${i + 1}`;
    if (p.visitId) {
      lines.push(`  ${head}: ${zh ? "就醫識別碼" : "visit ID"} ${formatVisitIdGrouped(p.visitId)}`);
    } else {
      lines.push(`  ${head}: ${zh ? "就醫識別碼不一致" : "visit IDs disagree"}`);
    }
    for (const s of p.sources) {
      const where = s.location ? `  ${localize(s.location, locale)}` : "";
      lines.push(`    - ${localize(formName(s.format), locale)}: ${s.visitId}${where}`);
    }
  });
  for (const v of result.virtualCards) {
    const where = v.location ? `  ${localize(v.location, locale)}` : "";
    lines.push(`  ${zh ? "虛擬健保卡 QR" : "Virtual NHI card QR"}: ${v.token}${where}`);
  }
  for (const problem of result.problems) lines.push(`  ! ${localize(problem.message, locale)}`);
  return lines.join("\n");
}

export function problemText(problem: ScanProblem, locale: Locale): string {
  return localize(problem.message, locale);
}
