/** An application id is a ULID: Crockford base32, 26 characters, the first at most 7 (48-bit time). */
export const APPLICATION_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/u;
