/** The refill log's CSV and PDF exports, made by src/reports from the dispensing service. */
import type { RocDate } from "../domain/roc-date.js";
import { ReportError } from "../reports/errors.js";
import type { PharmacyInfo } from "../reports/model.js";
import { renderRefillLogCsv } from "../reports/refill-log-csv.js";
import { buildRefillLogData, type RefillLogSource } from "../reports/refill-log-data.js";
import { renderRefillLogPdf } from "../reports/refill-log-pdf.js";
import type { RefillLogExporter } from "./deps.js";
import { ApiProblem } from "./problem.js";

export function createReportsExporter(
  service: RefillLogSource,
  pharmacy: PharmacyInfo,
  now: () => Date = () => new Date(),
): RefillLogExporter {
  return {
    formats: ["csv", "pdf"],
    async render(format, query) {
      let data: Awaited<ReturnType<typeof buildRefillLogData>>;
      try {
        data = await buildRefillLogData(service, {
          from: query.from as RocDate,
          to: query.to as RocDate,
          pharmacy,
          mask: query.mask,
          now: now(),
        });
      } catch (error) {
        if (error instanceof ReportError) throw new ApiProblem(400, `report-${error.code}`, error.reason);
        throw error;
      }
      const base = `refill-log-${query.from}-${query.to}`;
      if (format === "csv") {
        return { contentType: "text/csv; charset=utf-8", filename: `${base}.csv`, body: renderRefillLogCsv(data) };
      }
      return {
        contentType: "application/pdf",
        filename: `${base}.pdf`,
        body: await renderRefillLogPdf(data, { locale: query.locale }),
      };
    },
  };
}
