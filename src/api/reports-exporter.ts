/** The refill log for the API: built by src/reports from the dispensing service; CSV and PDF rendered from it. */
import { ReportError } from "../reports/errors.js";
import type { PharmacyInfo } from "../reports/model.js";
import { renderRefillLogCsv } from "../reports/refill-log-csv.js";
import { buildRefillLogData, type RefillLogSource } from "../reports/refill-log-data.js";
import { renderRefillLogPdf } from "../reports/refill-log-pdf.js";
import type { ExportFormat, RefillLogExporter } from "./deps.js";
import { ApiProblem } from "./problem.js";

export function createReportsExporter(
  service: RefillLogSource,
  pharmacy: PharmacyInfo,
  now: () => Date = () => new Date(),
  formats: readonly ExportFormat[] = ["csv", "pdf"],
): RefillLogExporter {
  return {
    formats,
    async data(query) {
      try {
        return await buildRefillLogData(service, { ...query, pharmacy, now: now() });
      } catch (error) {
        if (error instanceof ReportError) throw new ApiProblem(400, `report-${error.code}`, error.reason);
        throw error;
      }
    },
    async render(format, data, locale) {
      const base = `refill-log-${data.from}-${data.to}`;
      if (format === "csv") {
        return { contentType: "text/csv; charset=utf-8", filename: `${base}.csv`, body: renderRefillLogCsv(data) };
      }
      return {
        contentType: "application/pdf",
        filename: `${base}.pdf`,
        body: await renderRefillLogPdf(data, { locale }),
      };
    },
  };
}
