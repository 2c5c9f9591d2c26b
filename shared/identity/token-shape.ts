// Kept apart from access-token.ts (and jose) so that a key's request never loads the JWT library.
/** Three base64url parts: shaped like a JWT (an API key is "kk.<id>.<secret>", never this). */
export const looksLikeJwt = (token: string) =>
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(token) && !token.startsWith('kk.');
