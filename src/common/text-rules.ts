/**
 * Rules for text that reaches a database column, shared by every layer that admits it (the HTTP
 * edge, the DTOs, the world projection for facts inside memory content), so that a value is
 * either refused everywhere with the same words or accepted everywhere. See docs/world-model.md.
 */

/** Most characters (code points) in a world-model name: a subject or a predicate. */
export const MAX_NAME_CHARS = 256;

/**
 * Most characters of a path parameter as it arrives, percent-encoded: a name of
 * MAX_NAME_CHARS code points of four UTF-8 bytes each, every byte written as `%XX`.
 */
export const MAX_PATH_PARAM_CHARS = MAX_NAME_CHARS * 4 * 3;
