/** Where a record stands on its way to NHI (the outbox's internal "superseded" is never shown). */

/** `withdrawn`: deleted here before it was ever uploaded, so NHI never had it and never will. */
export const UPLOAD_STATES = ["pending", "uploading", "uploaded", "accepted", "rejected", "withdrawn"] as const;
export type UploadState = (typeof UPLOAD_STATES)[number];
