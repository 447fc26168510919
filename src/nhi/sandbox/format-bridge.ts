/**
 * The one place the sandbox touches the upload-format modules (owned by the format2 work): parsing and validating
 * documents, building them (scenarios, tests) and writing the check-result report. The sandbox has no parser,
 * validator or report writer of its own.
 */
export { formatCheckReport } from "../check-report/format.js";
export { parseCheckReport } from "../check-report/parse.js";
export { decodeBig5, encodeBig5 } from "../format/big5.js";
export { filled, isChronicRecord, type Mb1, type Mb2, type UploadRecord } from "../format/record.js";
export { type Finding, validateRecord } from "../format/validate.js";
export { buildUploadXml, parseUploadXml } from "../format/xml.js";
