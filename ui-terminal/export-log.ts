/**
 * F5's E/P: the refill log as the pharmacist has narrowed it on screen (dates, patient, prescriber, event types),
 * written to `<data folder>/exports` as CSV or PDF with national IDs masked, as every report is by default.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Locale } from "../src/domain/message.js";
import type { PharmacyInfo } from "../src/reports/model.js";
import type { RefillLogFilter } from "../src/reports/refill-log-data.js";
import type { ReportService } from "../src/reports/service-source.js";
import type { RefillLogQuery } from "../src/service/types.js";

export async function exportRefillLogFile(
  rx: ReportService,
  target: { dataDir: string; pharmacy: PharmacyInfo },
  query: RefillLogQuery,
  format: "csv" | "pdf",
  locale: Locale,
): Promise<{ path: string }> {
  const { buildRefillLogData } = await import("../src/reports/refill-log-data.js");
  const { reportSourceFor } = await import("../src/reports/service-source.js");
  const filter: RefillLogFilter = {};
  if (query.nationalId) filter.nationalId = query.nationalId;
  if (query.patientName) filter.patientName = query.patientName;
  if (query.prescriberInstitutionCode) filter.prescriberInstitutionCode = query.prescriberInstitutionCode;
  if (query.types?.length) filter.types = query.types;
  // The report store's range queries: a busy month is exact and costs the month, not the history.
  const data = await buildRefillLogData(reportSourceFor(rx), {
    from: query.from,
    to: query.to,
    pharmacy: target.pharmacy,
    filter,
  });
  const dir = join(target.dataDir, "exports");
  await mkdir(dir, { recursive: true });
  // A narrowed log is a file of its own: it never overwrites the whole period's.
  const narrowed = Object.keys(filter).length > 0 ? `-${Date.now().toString(36)}` : "";
  const path = join(dir, `refill-log-${query.from}-${query.to}${narrowed}.${format}`);
  if (format === "csv") {
    const { renderRefillLogCsv } = await import("../src/reports/refill-log-csv.js");
    await writeFile(path, renderRefillLogCsv(data), "utf8");
  } else {
    const { renderRefillLogPdf } = await import("../src/reports/refill-log-pdf.js");
    await writeFile(path, await renderRefillLogPdf(data, { locale }));
  }
  return { path };
}
