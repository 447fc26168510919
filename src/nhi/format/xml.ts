/**
 * Upload format 2.0 XML: `RECS/REC/MSH+MB/MB1/MB2…`, encoded Big5. Writing lives in xml-build.ts, reading in
 * xml-parse.ts, the tag scan and format 1.0 detection in xml-structure.ts; this module is their one entry point.
 */
export { Big5EncodingError, buildUploadXml, buildUploadXmlText, XML_DECLARATION } from "./xml-build.js";
export { decodeUploadBytes, parseUploadXml } from "./xml-parse.js";
