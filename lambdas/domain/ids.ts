/** Application ids are ULIDs (Crockford base 32, 26 characters, first one 0–7): anything else is 404 before any
 *  lookup (DESIGN §5). Zod-free, so the HTTP layer can check a path id without loading the schemas. */
export const APPLICATION_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/u;

export const isApplicationId = (value: string): boolean => APPLICATION_ID_PATTERN.test(value);
