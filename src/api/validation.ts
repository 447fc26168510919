/** zod issues → a 400 problem with zh-TW/English text and the issue list in `details`. */
import type { z } from "zod/v4";
import { ApiProblem } from "./problem.js";

/** `zhError`: the same input's issues with zod's own messages in zh-TW, for the problem's zh-TW text. */
export function invalidInput(
  error: z.ZodError,
  where: "path" | "query" | "body",
  name?: string,
  zhError?: z.ZodError,
): ApiProblem {
  const issues = error.issues.map((issue) => ({
    path: [...(name ? [name] : []), ...issue.path.map(String)].join("."),
    code: issue.code,
    message: issue.message,
    ...("keys" in issue ? { keys: issue.keys } : {}),
  }));
  const unknownKeys = error.issues.flatMap((issue) => ("keys" in issue ? (issue.keys as string[]) : []));
  if (unknownKeys.includes("pharmacistId")) {
    return new ApiProblem(
      400,
      "pharmacist-from-key",
      {
        zh: "藥師身分（M06）由登入金鑰決定，請勿在資料中提供 pharmacistId",
        en: "The pharmacist (M06) comes from the API key; do not send pharmacistId",
      },
      { details: { where, issues } },
    );
  }
  const first = issues[0];
  const text = bilingual(first?.message ?? "");
  const zhFirst = zhError?.issues[0];
  if (zhFirst && zhFirst.code === error.issues[0]?.code) text.zh = bilingual(zhFirst.message).zh;
  const label = (message: string) => (first ? `${first.path || where}: ${message}` : where);
  const whereZh = where === "body" ? "資料內容" : where === "query" ? "查詢參數" : "網址參數";
  return new ApiProblem(
    400,
    "invalid-input",
    {
      zh: `${whereZh}不正確（${label(text.zh)}）`,
      en: `Invalid ${where === "path" ? "path parameter" : where} (${label(text.en)})`,
    },
    { details: { where, issues } },
  );
}

/**
 * The schemas' own messages are English with the Chinese in closing parentheses ("expected a date … (日期格式：…)"):
 * each language's problem text gets its own part. Messages without Chinese are the same in both.
 */
export function bilingual(message: string): { zh: string; en: string } {
  const match = /^(.*\S)\s*\(([^()]*\p{Script=Han}[^()]*)\)$/u.exec(message);
  return match ? { en: match[1]!, zh: match[2]! } : { zh: message, en: message };
}
