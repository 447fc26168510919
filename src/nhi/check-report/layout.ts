/**
 * Layout of NHI's check-result report (檢核結果, seed 000 §如何得知是否上傳成功?-2): one block per rejected record,
 * `第[n]筆`, then `FIELD=[ value ]` lines (`NULL` = empty; M14 never shown), then `錯誤原因:FIELD:CODE;…`.
 */

/** MSH/MB1 field order exactly as in the seed's sample report (not numeric; M14 is absent). */
export const REPORT_FIELD_ORDER: readonly string[] = (
  "H00 M01 M04 M07 M10 M13 M16 M19 M22 M25 M28 M31 M34 M37 M40 M43 M46 M49 M52 M55 " +
  "H01 M02 M05 M08 M11 M15 M17 M20 M23 M26 M29 M32 M35 M38 M41 M44 M47 M50 M53 M56 " +
  "M03 M06 M09 M12 M18 M21 M24 M27 M30 M33 M36 M39 M42 M45 M48 M51 M54"
).split(" ");

export const NULL_VALUE = "NULL";
export const ERROR_PREFIX = "錯誤原因:";
export const BLOCK_SEPARATOR = "=".repeat(60);
export const REPORT_NEWLINE = "\r\n";
export const REPORT_TITLE = "健保卡就醫資料上傳檢核結果";
