/** Where a record stands on its way to NHI (the outbox's internal "superseded" is never shown). */

export const UPLOAD_STATES = ["pending", "uploading", "uploaded", "accepted", "rejected"] as const;
export type UploadState = (typeof UPLOAD_STATES)[number];
